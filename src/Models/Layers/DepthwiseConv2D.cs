using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>DepthwiseConv2D</c>: each input channel convolved with its own <see cref="DepthMultiplier"/> filters;
/// <c>depthwise_kernel</c> is (kh, kw, in, depthMultiplier) in Keras's layout, output channel c · multiplier + m.
/// </summary>
public sealed class DepthwiseConv2D : Layer
{
    readonly string _activation;
    readonly string _padding;
    Variable? _kernel, _bias;

    /// <summary>Creates the layer with a square kernel.</summary>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="strides">Step in both dimensions.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="depthMultiplier">Filters per input channel.</param>
    /// <param name="dilationRate">Spacing between kernel taps.</param>
    /// <param name="activation">Keras activation name, or null.</param>
    /// <param name="useBias">Whether to add a bias per output channel.</param>
    /// <param name="depthwiseInitializer">glorot_uniform by default.</param>
    /// <param name="biasInitializer">zeros by default.</param>
    /// <param name="depthwiseRegularizer">Penalty on the kernel, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias, or null.</param>
    /// <param name="name">Optional layer name.</param>
    public DepthwiseConv2D(int kernelSize, int strides = 1, string padding = "valid", int depthMultiplier = 1, int dilationRate = 1, string? activation = null,
        bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null, Regularizer? depthwiseRegularizer = null,
        Regularizer? biasRegularizer = null, string? name = null)
        : this((kernelSize, kernelSize), (strides, strides), padding, depthMultiplier, dilationRate, activation, useBias, depthwiseInitializer, biasInitializer,
            depthwiseRegularizer, biasRegularizer, name) { }

    /// <summary>Creates the layer with a rectangular kernel.</summary>
    /// <param name="kernelSize">(height, width) of the kernel.</param>
    /// <param name="strides">(vertical, horizontal) step; (1, 1) when null.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="depthMultiplier">Filters per input channel.</param>
    /// <param name="dilationRate">Spacing between kernel taps.</param>
    /// <param name="activation">Keras activation name, or null.</param>
    /// <param name="useBias">Whether to add a bias per output channel.</param>
    /// <param name="depthwiseInitializer">glorot_uniform by default.</param>
    /// <param name="biasInitializer">zeros by default.</param>
    /// <param name="depthwiseRegularizer">Penalty on the kernel, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias, or null.</param>
    /// <param name="name">Optional layer name.</param>
    public DepthwiseConv2D((int Height, int Width) kernelSize, (int Vertical, int Horizontal)? strides = null, string padding = "valid", int depthMultiplier = 1,
        int dilationRate = 1, string? activation = null, bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? biasInitializer = null,
        Regularizer? depthwiseRegularizer = null, Regularizer? biasRegularizer = null, string? name = null) : base(name)
    {
        var s = strides ?? (1, 1);
        ConvGeometry.RequirePositive(kernelSize, nameof(kernelSize), nameof(DepthwiseConv2D));
        ConvGeometry.RequirePositive(s, nameof(strides), nameof(DepthwiseConv2D));
        ConvGeometry.RequirePositive(depthMultiplier, nameof(depthMultiplier), nameof(DepthwiseConv2D));
        ConvGeometry.RequirePositive(dilationRate, nameof(dilationRate), nameof(DepthwiseConv2D));
        (KernelSize, Strides, DepthMultiplier, DilationRate, UseBias) = (kernelSize, s, depthMultiplier, dilationRate, useBias);
        _padding = ConvGeometry.ResolvePadding(padding, nameof(DepthwiseConv2D));
        _activation = Activations.Resolve(activation, nameof(DepthwiseConv2D));
        DepthwiseInitializer = depthwiseInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        (DepthwiseRegularizer, BiasRegularizer) = (depthwiseRegularizer, biasRegularizer);
    }

    /// <summary>(height, width) of the kernel.</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>(vertical, horizontal) step.</summary>
    public (int Vertical, int Horizontal) Strides { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding => _padding;

    /// <summary>Filters per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int DilationRate { get; }

    /// <summary>The activation's Keras name.</summary>
    public string Activation => _activation;

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The kernel's initializer.</summary>
    public Initializer DepthwiseInitializer { get; }

    /// <summary>The bias's initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Penalty on the kernel, or null.</summary>
    public Regularizer? DepthwiseRegularizer { get; }

    /// <summary>Penalty on the bias, or null.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <inheritdoc />
    public override void Build(int[] inputShape)
    {
        ComputeOutputShape(inputShape);
        long c = inputShape[2];
        // Stored (in, multiplier, kh, kw): a free reshape to torch's grouped weight (in · multiplier, 1, kh, kw).
        _kernel = AddWeight("depthwise_kernel", [c, DepthMultiplier, KernelSize.Height, KernelSize.Width], toKeras: [2, 3, 0, 1], strides: null,
            DepthwiseInitializer, trainable: true, DepthwiseRegularizer);
        _bias = UseBias ? AddWeight("bias", [c * DepthMultiplier], toKeras: null, strides: null, BiasInitializer, trainable: true, BiasRegularizer) : null;
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 3) throw Incompatible("ndim=4 (batch, height, width, channels)", inputShape);
        var (oh, ow) = ConvGeometry.OutputSize2D(inputShape, KernelSize, Strides, DilationRate, _padding);
        if (oh <= 0 || ow <= 0) throw Incompatible($"height and width of at least the (dilated) kernel size with padding \"valid\"", inputShape);
        return [oh, ow, inputShape[2] * DepthMultiplier];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = ConvGeometry.PadSame(inputs.permute(0, 3, 1, 2), KernelSize, Strides, DilationRate, _padding);
        var w = _kernel!.Storage;
        var weight = w.reshape(w.shape[0] * w.shape[1], 1, w.shape[2], w.shape[3]);
        var y = nn.functional.conv2d(x, weight, _bias?.Storage, strides: [Strides.Vertical, Strides.Horizontal],
            dilation: [DilationRate, DilationRate], groups: w.shape[0]);
        return Activations.Apply(_activation, y.permute(0, 2, 3, 1), ownsInput: true);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["kernel_size"] = LayerConfig.Pair(KernelSize);
        config["strides"] = LayerConfig.Pair(Strides);
        config["padding"] = Padding;
        config["depth_multiplier"] = DepthMultiplier;
        config["data_format"] = "channels_last";
        config["dilation_rate"] = new[] { DilationRate, DilationRate };
        config["activation"] = Activation;
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = LayerConfig.Serialize(DepthwiseInitializer);
        config["bias_initializer"] = LayerConfig.Serialize(BiasInitializer);
        config["depthwise_regularizer"] = LayerConfig.Serialize(DepthwiseRegularizer);
        config["bias_regularizer"] = LayerConfig.Serialize(BiasRegularizer);
        return config;
    }
}
