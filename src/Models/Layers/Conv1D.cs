using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>Conv1D</c> over (batch, steps, channels) sequences: kernel (kernelSize, in / groups, filters) in Keras's
/// layout, glorot-uniform kernel and zero bias; padding "valid", "same" or "causal" (left-padded, no look-ahead).
/// </summary>
public sealed class Conv1D : Layer
{
    readonly string _activation;
    Variable? _kernel, _bias;

    /// <summary>Creates the layer.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Window length.</param>
    /// <param name="strides">Step.</param>
    /// <param name="padding">"valid", "same" or "causal".</param>
    /// <param name="dilationRate">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups; input and output channels must divide by it.</param>
    /// <param name="activation">Keras activation name, or null.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="kernelInitializer">glorot_uniform by default.</param>
    /// <param name="biasInitializer">zeros by default.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias, or null.</param>
    /// <param name="name">Optional layer name.</param>
    public Conv1D(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1, int groups = 1, string? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, string? name = null) : base(name)
    {
        ConvGeometry.RequirePositive(filters, nameof(filters), nameof(Conv1D));
        ConvGeometry.RequirePositive(kernelSize, nameof(kernelSize), nameof(Conv1D));
        ConvGeometry.RequirePositive(strides, nameof(strides), nameof(Conv1D));
        ConvGeometry.RequirePositive(dilationRate, nameof(dilationRate), nameof(Conv1D));
        ConvGeometry.RequirePositive(groups, nameof(groups), nameof(Conv1D));
        if (filters % groups != 0)
            throw new ArgumentException($"Conv1D: the number of filters must be evenly divisible by the number of groups. Received: groups={groups}, filters={filters}.", nameof(groups));
        ConvGeometry.RequireStridesOrDilation(strides, dilationRate, nameof(Conv1D));
        var p = (padding ?? "").Trim().ToLowerInvariant();
        Padding = p is "valid" or "same" or "causal" ? p : throw new ArgumentException($"Invalid padding '{padding}' for layer Conv1D: expected \"valid\", \"same\" or \"causal\".", nameof(padding));
        (Filters, KernelSize, Strides, DilationRate, Groups, UseBias) = (filters, kernelSize, strides, dilationRate, groups, useBias);
        _activation = Activations.Resolve(activation, nameof(Conv1D));
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        (KernelRegularizer, BiasRegularizer) = (kernelRegularizer, biasRegularizer);
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Window length.</summary>
    public int KernelSize { get; }

    /// <summary>Step.</summary>
    public int Strides { get; }

    /// <summary>"valid", "same" or "causal".</summary>
    public string Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int DilationRate { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>The activation's Keras name.</summary>
    public string Activation => _activation;

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The kernel's initializer.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>The bias's initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Penalty on the kernel, or null.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>Penalty on the bias, or null.</summary>
    public Regularizer? BiasRegularizer { get; }

    int EffectiveKernel => (KernelSize - 1) * DilationRate + 1;

    /// <inheritdoc />
    public override void Build(int[] inputShape)
    {
        ComputeOutputShape(inputShape);
        long inPerGroup = inputShape[1] / Groups;
        // torch's (out, in / groups, k) is Keras's (k, in / groups, out) reversed.
        _kernel = AddWeight("kernel", [Filters, inPerGroup, KernelSize], toKeras: [2, 1, 0], strides: null, KernelInitializer, trainable: true, KernelRegularizer);
        _bias = UseBias ? AddWeight("bias", [Filters], toKeras: null, strides: null, BiasInitializer, trainable: true, BiasRegularizer) : null;
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 2) throw Incompatible("ndim=3 (batch, steps, channels)", inputShape);
        if (inputShape[1] % Groups != 0) throw Incompatible($"input channels divisible by groups={Groups}", inputShape);
        int steps = Padding == "causal" ? (inputShape[0] + Strides - 1) / Strides : ConvGeometry.OutputSize(inputShape[0], EffectiveKernel, Strides, Padding);
        if (steps <= 0) throw Incompatible($"at least {EffectiveKernel} steps with padding \"valid\"", inputShape);
        return [steps, Filters];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs.permute(0, 2, 1);
        if (Padding == "causal") x = nn.functional.pad(x, [EffectiveKernel - 1, 0]);
        else if (Padding == "same")
        {
            var (before, after) = ConvGeometry.SamePadding((int)x.shape[2], EffectiveKernel, Strides);
            if (before + after > 0) x = nn.functional.pad(x, [before, after]);
        }
        var y = nn.functional.conv1d(x, _kernel!.Storage, _bias?.Storage, stride: Strides, dilation: DilationRate, groups: Groups);
        return Activations.Apply(_activation, y.permute(0, 2, 1), ownsInput: true);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["filters"] = Filters;
        config["kernel_size"] = new[] { KernelSize };
        config["strides"] = new[] { Strides };
        config["padding"] = Padding;
        config["data_format"] = "channels_last";
        config["dilation_rate"] = new[] { DilationRate };
        config["groups"] = Groups;
        config["activation"] = Activation;
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = LayerConfig.Serialize(KernelInitializer);
        config["bias_initializer"] = LayerConfig.Serialize(BiasInitializer);
        config["kernel_regularizer"] = LayerConfig.Serialize(KernelRegularizer);
        config["bias_regularizer"] = LayerConfig.Serialize(BiasRegularizer);
        return config;
    }
}
