using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Base of every Keras-style layer: a named, lazily built transformation whose shapes are channels-last
/// like Keras (batch dimension excluded from every shape this API reports).
/// </summary>
public abstract partial class Layer
{
    string? _name;

    /// <summary>Creates a layer; <paramref name="name"/> null lets the model name it like Keras (conv2d, conv2d_1, ...).</summary>
    protected private Layer(string? name)
    {
        if (name is not null && string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("A layer name must not be empty or white space.", nameof(name));
        _name = name;
    }

    /// <summary>The layer's name, unique within its model (Keras's <c>layer.name</c>).</summary>
    public string Name => _name ?? DefaultNamePrefix;

    internal bool HasExplicitName => _name is not null;

    internal void AssignName(string name) => _name = name;

    /// <summary>Keras's automatic name prefix: the class name in snake case (Conv2D -> conv2d, MaxPooling2D -> max_pooling2d).</summary>
    internal string DefaultNamePrefix => ToSnakeCase(GetType().Name);

    /// <summary>True once the layer knows its input shape and has created its weights.</summary>
    public bool Built => OutputShape is not null;

    /// <summary>The shape of one input sample (no batch dimension), known once built.</summary>
    public IReadOnlyList<int>? InputShape { get; private set; }

    /// <summary>The shape of one output sample (no batch dimension), known once built.</summary>
    public IReadOnlyList<int>? OutputShape { get; private set; }

    /// <summary>The number of weights in this layer (Keras's <c>count_params()</c>).</summary>
    public long CountParams() => Parameters.Sum(p => p.numel());

    /// <summary>Trainable weights, in the order Keras lists them (kernel, then bias).</summary>
    internal virtual IReadOnlyList<TorchSharp.Modules.Parameter> Parameters => [];

    /// <summary>Layers that work on (N, C, H, W) tensors inside; the model hands them that logical layout.</summary>
    internal virtual bool Spatial => false;

    /// <summary>Element-wise layers accept either layout unchanged.</summary>
    internal virtual bool LayoutAgnostic => false;

    internal void Build(int[] inputShape, BuildContext context)
    {
        var output = ComputeOutputShapeAndBuild(inputShape, context);
        InputShape = inputShape;
        OutputShape = output;
    }

    /// <summary>Validates the input shape, creates weights and returns the output shape (batch excluded).</summary>
    internal abstract int[] ComputeOutputShapeAndBuild(int[] inputShape, BuildContext context);

    /// <summary>
    /// Runs the layer. Spatial layers receive (N, C, H, W) tensors (possibly in channels_last memory
    /// format); the others receive channels-last logical tensors.
    /// </summary>
    internal abstract Tensor Call(Tensor x, bool training);

    /// <summary>Like <see cref="Call"/> but stops before a final softmax, so a loss can fuse log-softmax.</summary>
    internal virtual Tensor CallWithoutSoftmax(Tensor x, bool training) => Call(x, training);

    /// <summary>True when <see cref="CallWithoutSoftmax"/> actually skips a softmax.</summary>
    internal virtual bool EndsWithSoftmax => false;

    internal ArgumentException Incompatible(string expected, int[] found) =>
        new($"Input 0 of layer \"{Name}\" is incompatible with the layer: expected {expected}, found shape={ShapeText(found)}.");

    internal static string ShapeText(IEnumerable<int> shape) =>
        "(" + string.Join(", ", new[] { "None" }.Concat(shape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)))) + ")";

    static string ToSnakeCase(string name)
    {
        var s = FirstCap().Replace(name, "$1_$2");
        return LowerUpper().Replace(s, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z]+)")]
    private static partial Regex FirstCap();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex LowerUpper();
}
