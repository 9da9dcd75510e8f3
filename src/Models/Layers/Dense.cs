using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Densely connected layer on the last axis of inputs of any rank (Keras's <c>layers.Dense</c>): glorot-uniform
/// kernel, zero bias. The kernel is stored in Keras's own (in, units) layout, so saving, loading and
/// <see cref="Layer.GetWeights"/> copy it as it is; libtorch's linear gets its transposed view, which is the same
/// matrix product (addmm with a transposed operand) at the same speed (bench/DenseBench.cs, docs/benchmarks.md).
/// </summary>
public sealed class Dense : Layer
{
    readonly string _activation;
    Variable? _kernel;
    Variable? _bias;

    /// <summary>Creates a dense layer.</summary>
    /// <param name="units">Output size.</param>
    /// <param name="activation">Keras activation name ("relu", "softmax", ...) or null for none.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">The kernel's initializer (glorot_uniform when null).</param>
    /// <param name="biasInitializer">The bias's initializer (zeros when null).</param>
    /// <param name="kernelRegularizer">Penalty on the kernel added to the loss, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias added to the loss, or null.</param>
    /// <param name="name">Optional layer name.</param>
    public Dense(int units, string? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, string? name = null) : base(name)
    {
        ConvGeometry.RequirePositive(units, nameof(units), nameof(Dense));
        Units = units;
        _activation = Activations.Resolve(activation, nameof(Dense));
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
    }

    /// <summary>Output size.</summary>
    public int Units { get; }

    /// <summary>The activation's Keras name ("linear" when none).</summary>
    public string Activation => _activation;

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The kernel's initializer.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>The bias's initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The kernel's regularizer, or null.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>The bias's regularizer, or null.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <summary>The kernel, (in, units) in Keras's layout; null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias, (units); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc />
    public override void Build(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length == 0) throw Incompatible("min_ndim=2", inputShape);
        long inputs = inputShape[^1];
        _kernel = AddWeight("kernel", [inputs, Units], toKeras: null, strides: null, KernelInitializer, trainable: true, KernelRegularizer);
        _bias = UseBias ? AddWeight("bias", [Units], toKeras: null, strides: null, BiasInitializer, trainable: true, BiasRegularizer) : null;
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length == 0) throw Incompatible("min_ndim=2", inputShape);
        if (_kernel is not null && inputShape[^1] != _kernel.Shape[0])
            throw new ArgumentException(
                $"Input 0 of layer \"{Name}\" is incompatible with the layer: expected axis -1 of input shape to have value {_kernel.Shape[0]}, " +
                $"but received input with shape {ShapeText(inputShape)}.");
        return [.. inputShape[..^1], Units];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        // linear wants (units, in): the kernel's transposed view (no copy; libtorch multiplies by its transpose again,
        // i.e. by the (in, units) storage itself, and autograd's gradient lands in that storage's layout).
        using var weight = _kernel!.Storage.t();
        return Activations.Apply(_activation, nn.functional.linear(inputs, weight, _bias?.Storage), ownsInput: true);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["units"] = Units;
        config["activation"] = Activation;
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = LayerConfig.Serialize(KernelInitializer);
        config["bias_initializer"] = LayerConfig.Serialize(BiasInitializer);
        config["kernel_regularizer"] = LayerConfig.Serialize(KernelRegularizer);
        config["bias_regularizer"] = LayerConfig.Serialize(BiasRegularizer);
        config["activity_regularizer"] = null;
        config["kernel_constraint"] = null;
        config["bias_constraint"] = null;
        return config;
    }
}
