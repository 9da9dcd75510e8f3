using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>
/// A Keras weight initializer (<c>keras.initializers.Initializer</c>): called with a weight's shape in Keras's layout
/// (a Conv2D kernel is (kh, kw, in, out), a Dense kernel (in, out)), it returns the initial values. Layers take one by
/// name (<c>kernelInitializer: "he_normal"</c>) or as an object (<c>new HeNormal(seed: 1)</c>); subclass it for your own.
/// </summary>
public abstract class Initializer
{
    static readonly Dictionary<string, Func<Initializer>> ByName = new(StringComparer.Ordinal)
    {
        ["glorot_uniform"] = () => new GlorotUniform(),
        ["glorot_normal"] = () => new GlorotNormal(),
        ["he_normal"] = () => new HeNormal(),
        ["he_uniform"] = () => new HeUniform(),
        ["lecun_normal"] = () => new LecunNormal(),
        ["lecun_uniform"] = () => new LecunUniform(),
        ["zeros"] = () => new Zeros(),
        ["zero"] = () => new Zeros(),
        ["ones"] = () => new Ones(),
        ["one"] = () => new Ones(),
        ["constant"] = () => new Constant(),
        ["random_normal"] = () => new RandomNormal(),
        ["normal"] = () => new RandomNormal(),
        ["random_uniform"] = () => new RandomUniform(),
        ["uniform"] = () => new RandomUniform(),
        ["truncated_normal"] = () => new TruncatedNormal(),
        ["orthogonal"] = () => new Orthogonal(),
        ["variance_scaling"] = () => new VarianceScaling(),
    };

    /// <summary>Keras's snake-case name of this initializer, as <see cref="Get"/> accepts it (e.g. "glorot_uniform").</summary>
    public virtual string Name => Naming.ToSnakeCase(GetType().Name);

    /// <summary>Returns a new tensor of initial values (Keras's <c>__call__(shape, dtype)</c>).</summary>
    /// <param name="shape">The weight's shape in Keras's layout.</param>
    /// <param name="dtype">Element type, float32 by default.</param>
    /// <param name="device">Where the tensor lives; the default device when null.</param>
    public abstract Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null);

    /// <summary>The constructor arguments as Keras names them (Keras's <c>get_config()</c>).</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    /// <summary>An initializer by its Keras name ("glorot_uniform", "he_normal", "zeros", ...), with Keras's defaults.</summary>
    /// <param name="name">Snake-case or class name, case-insensitive ("GlorotUniform" works too).</param>
    /// <exception cref="ArgumentException">Not an initializer name.</exception>
    public static Initializer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = Naming.ToSnakeCase(name.Trim());
        if (ByName.TryGetValue(key, out var create)) return create();
        throw new ArgumentException(
            $"Could not interpret initializer identifier: '{name}'. Expected one of: {string.Join(", ", ByName.Keys)}, or an Initializer instance.",
            "initializer");
    }

    /// <summary>Keras-style shorthand: <c>kernelInitializer: "he_normal"</c>.</summary>
    /// <param name="name">The initializer's name.</param>
    public static implicit operator Initializer(string name) => Get(name);

    /// <summary>
    /// Keras's <c>compute_fans</c>: for a kernel (..., in, out) the receptive field is the product of the leading
    /// dimensions; fanIn = in × receptive field, fanOut = out × receptive field. A vector has fanIn = fanOut = its length.
    /// </summary>
    /// <param name="shape">A weight shape in Keras's layout.</param>
    public static (double FanIn, double FanOut) ComputeFans(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        switch (shape.Count)
        {
            case 0: return (1, 1);
            case 1: return (shape[0], shape[0]);
            case 2: return (shape[0], shape[1]);
            default:
                double receptive = 1;
                for (int i = 0; i < shape.Count - 2; i++) receptive *= shape[i];
                return (shape[^2] * receptive, shape[^1] * receptive);
        }
    }

    /// <summary>
    /// Draws a tensor with <paramref name="fill"/>. With a seed the values come from a private CPU generator made
    /// afresh on each call, so a seeded initializer returns the same values every time (Keras 3's rule) on every device;
    /// without one they come from torch's global generator (<c>torch.manual_seed</c>) on the target device.
    /// </summary>
    /// <param name="shape">Shape to draw.</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="device">Target device.</param>
    /// <param name="seed">Optional seed.</param>
    /// <param name="fill">Fills the tensor in place from the generator (null: the global one).</param>
    protected static Tensor Sample(long[] shape, ScalarType dtype, Device? device, int? seed, Action<Tensor, Generator?> fill)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(fill);
        if (shape.Any(d => d < 0))
            throw new ArgumentException($"Cannot initialize a weight of shape ({string.Join(", ", shape)}): dimensions must be >= 0.", nameof(shape));
        using var noGrad = no_grad();
        if (seed is null)
        {
            var t = empty(shape, dtype, device);
            fill(t, null);
            return t;
        }
        using var generator = new Generator((ulong)seed.Value, CPU);
        using var onCpu = empty(shape, dtype, CPU);
        fill(onCpu, generator);
        return device is null || device.type == DeviceType.CPU ? onCpu.clone() : onCpu.to(device);
    }
}
