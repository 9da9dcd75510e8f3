using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>
/// Creates a weight's first value (Keras's <c>keras.initializers.Initializer</c>). Shapes are in Keras's layout, so
/// fan-in and fan-out follow Keras's rule whatever layout a layer stores its weights in. Converts from Keras's names:
/// <c>AddWeight("kernel", shape, initializer: "glorot_uniform")</c>.
/// </summary>
public abstract class Initializer
{
    /// <summary>Creates an initializer.</summary>
    protected Initializer() { }

    /// <summary>A new tensor of <paramref name="shape"/> (Keras's <c>initializer(shape, dtype)</c>).</summary>
    /// <param name="shape">The weight's shape in Keras's layout.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="device">Where to create it; null for the CPU.</param>
    public abstract Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null);

    /// <summary>The constructor arguments under Keras's snake_case names (empty for initializers without any).</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();

    /// <summary>Keras's fan-in and fan-out for a shape in Keras's layout (<c>compute_fans</c>).</summary>
    /// <param name="shape">The weight's shape, e.g. (kh, kw, in, out) for a convolution kernel.</param>
    public static (double FanIn, double FanOut) ComputeFans(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape.Count switch
        {
            0 => (1, 1),
            1 => (shape[0], shape[0]),
            2 => (shape[0], shape[1]),
            _ => ComputeReceptive(shape),
        };

        static (double, double) ComputeReceptive(IReadOnlyList<long> shape)
        {
            double receptive = 1;
            for (int i = 0; i < shape.Count - 2; i++) receptive *= shape[i];
            return (shape[^2] * receptive, shape[^1] * receptive);
        }
    }

    /// <summary>Keras's initializer by name ("glorot_uniform", "zeros", "ones"), with default arguments.</summary>
    /// <param name="name">The name, case-insensitive.</param>
    /// <exception cref="ArgumentException">An unknown name (parameter <c>initializer</c>).</exception>
    public static Initializer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name, "initializer");
        var key = name.Trim().ToLowerInvariant();
        return Registry.TryGetValue(key, out var make) ? make()
            : throw new ArgumentException(
                $"Could not interpret initializer identifier: '{name}'. Expected one of: {string.Join(", ", Registry.Keys.Order(StringComparer.Ordinal))}, or an Initializer instance.",
                "initializer");
    }

    /// <summary>Known names and their factories; new initializers add themselves here.</summary>
    internal static readonly Dictionary<string, Func<Initializer>> Registry = new(StringComparer.Ordinal)
    {
        ["glorot_uniform"] = () => new GlorotUniform(),
        ["zeros"] = () => new Zeros(),
        ["ones"] = () => new Ones(),
        ["variance_scaling"] = () => new VarianceScaling(),
    };

    /// <summary>Keras-style shorthand: <c>initializer: "zeros"</c>.</summary>
    /// <param name="name">The initializer's name.</param>
    public static implicit operator Initializer(string name) => Get(name);
}
