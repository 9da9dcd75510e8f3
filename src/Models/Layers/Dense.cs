using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Densely connected layer on the last axis (Keras's <c>layers.Dense</c>): glorot-uniform kernel, zero bias.</summary>
public sealed class Dense : Layer
{
    readonly string _activation;
    TorchSharp.Modules.Parameter? _kernel;
    TorchSharp.Modules.Parameter? _bias;

    /// <summary>Creates a dense layer.</summary>
    /// <param name="units">Output size.</param>
    /// <param name="activation">Keras activation name ("relu", "softmax", ...) or null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="name">Optional layer name.</param>
    public Dense(int units, string? activation = null, bool useBias = true, string? name = null) : base(name)
    {
        ConvGeometry.RequirePositive(units, nameof(units), nameof(Dense));
        Units = units;
        _activation = Activations.Resolve(activation, nameof(Dense));
        UseBias = useBias;
    }

    /// <summary>Output size.</summary>
    public int Units { get; }

    /// <summary>The activation's Keras name ("linear" when none).</summary>
    public string Activation => _activation;

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    internal override IReadOnlyList<TorchSharp.Modules.Parameter> Parameters =>
        _kernel is null ? [] : _bias is null ? [_kernel] : [_kernel, _bias];

    internal override int[] ComputeOutputShapeAndBuild(int[] inputShape, BuildContext context)
    {
        int inputs = inputShape[^1];
        // torch's linear wants (out, in): the transpose of Keras's kernel, same count.
        _kernel = Initializers.GlorotUniform(empty([Units, inputs], ScalarType.Float32, context.Device), inputs, Units);
        _bias = UseBias ? Initializers.Zeros(Units, context.Device) : null;
        return [.. inputShape[..^1], Units];
    }

    internal override Tensor Call(Tensor x, bool training) => Activations.Apply(_activation, Linear(x), ownsInput: true);

    internal override Tensor CallWithoutSoftmax(Tensor x, bool training) =>
        _activation == "softmax" ? Linear(x) : Call(x, training);

    internal override bool EndsWithSoftmax => _activation == "softmax";

    Tensor Linear(Tensor x) => nn.functional.linear(x, _kernel!, _bias);
}
