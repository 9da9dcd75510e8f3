using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>SeparableConv2D</c>: a depthwise convolution (<c>depthwise_kernel</c> (kh, kw, in, depthMultiplier)) followed
/// by a 1×1 pointwise convolution (<c>pointwise_kernel</c> (1, 1, in · depthMultiplier, filters)) and a bias of filters.
/// </summary>
public sealed class SeparableConv2D : Layer
{
    readonly string _activation;
    readonly string _padding;
    Variable? _depthwise, _pointwise, _bias;

    /// <summary>Creates the layer with a square kernel and equal strides.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Depthwise kernel height and width.</param>
    /// <param name="strides">Step in both dimensions.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="depthMultiplier">Depthwise filters per input channel.</param>
    /// <param name="dilationRate">Spacing between depthwise kernel taps.</param>
    /// <param name="activation">Keras activation name, or null.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="depthwiseInitializer">glorot_uniform by default.</param>
    /// <param name="pointwiseInitializer">glorot_uniform by default.</param>
    /// <param name="biasInitializer">zeros by default.</param>
    /// <param name="depthwiseRegularizer">Penalty on the depthwise kernel added to the loss, or null.</param>
    /// <param name="pointwiseRegularizer">Penalty on the pointwise kernel added to the loss, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias added to the loss, or null.</param>
    /// <param name="name">Optional layer name.</param>
    public SeparableConv2D(int filters, int kernelSize, int strides = 1, string padding = "valid", int depthMultiplier = 1, int dilationRate = 1,
        string? activation = null, bool useBias = true, Initializer? depthwiseInitializer = null, Initializer? pointwiseInitializer = null,
        Initializer? biasInitializer = null, Regularizer? depthwiseRegularizer = null, Regularizer? pointwiseRegularizer = null,
        Regularizer? biasRegularizer = null, string? name = null)
        : this(filters, (kernelSize, kernelSize), (strides, strides), padding, depthMultiplier, dilationRate, activation, useBias, depthwiseInitializer,
            pointwiseInitializer, biasInitializer, depthwiseRegularizer, pointwiseRegularizer, biasRegularizer, name) { }

    /// <summary>Creates the layer with a rectangular kernel and per-dimension strides.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">(height, width) of the depthwise kernel.</param>
    /// <param name="strides">(vertical, horizontal) step; (1, 1) when null.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="depthMultiplier">Depthwise filters per input channel.</param>
    /// <param name="dilationRate">Spacing between depthwise kernel taps.</param>
    /// <param name="activation">Keras activation name, or null.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="depthwiseInitializer">glorot_uniform by default.</param>
    /// <param name="pointwiseInitializer">glorot_uniform by default.</param>
    /// <param name="biasInitializer">zeros by default.</param>
    /// <param name="depthwiseRegularizer">Penalty on the depthwise kernel added to the loss, or null.</param>
    /// <param name="pointwiseRegularizer">Penalty on the pointwise kernel added to the loss, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias added to the loss, or null.</param>
    /// <param name="name">Optional layer name.</param>
    public SeparableConv2D(int filters, (int Height, int Width) kernelSize, (int Vertical, int Horizontal)? strides = null, string padding = "valid",
        int depthMultiplier = 1, int dilationRate = 1, string? activation = null, bool useBias = true, Initializer? depthwiseInitializer = null,
        Initializer? pointwiseInitializer = null, Initializer? biasInitializer = null, Regularizer? depthwiseRegularizer = null,
        Regularizer? pointwiseRegularizer = null, Regularizer? biasRegularizer = null, string? name = null) : base(name)
    {
        var s = strides ?? (1, 1);
        ConvGeometry.RequirePositive(filters, nameof(filters), nameof(SeparableConv2D));
        ConvGeometry.RequirePositive(kernelSize, nameof(kernelSize), nameof(SeparableConv2D));
        ConvGeometry.RequirePositive(s, nameof(strides), nameof(SeparableConv2D));
        ConvGeometry.RequirePositive(depthMultiplier, nameof(depthMultiplier), nameof(SeparableConv2D));
        ConvGeometry.RequirePositive(dilationRate, nameof(dilationRate), nameof(SeparableConv2D));
        (Filters, KernelSize, Strides, DepthMultiplier, DilationRate, UseBias) = (filters, kernelSize, s, depthMultiplier, dilationRate, useBias);
        _padding = ConvGeometry.ResolvePadding(padding, nameof(SeparableConv2D));
        _activation = Activations.Resolve(activation, nameof(SeparableConv2D));
        DepthwiseInitializer = depthwiseInitializer ?? new GlorotUniform();
        PointwiseInitializer = pointwiseInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        (DepthwiseRegularizer, PointwiseRegularizer, BiasRegularizer) = (depthwiseRegularizer, pointwiseRegularizer, biasRegularizer);
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>(height, width) of the depthwise kernel.</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>(vertical, horizontal) step.</summary>
    public (int Vertical, int Horizontal) Strides { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding => _padding;

    /// <summary>Depthwise filters per input channel.</summary>
    public int DepthMultiplier { get; }

    /// <summary>Spacing between depthwise kernel taps.</summary>
    public int DilationRate { get; }

    /// <summary>The activation's Keras name.</summary>
    public string Activation => _activation;

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>The depthwise kernel's initializer.</summary>
    public Initializer DepthwiseInitializer { get; }

    /// <summary>The pointwise kernel's initializer.</summary>
    public Initializer PointwiseInitializer { get; }

    /// <summary>The bias's initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Penalty on the depthwise kernel, or null.</summary>
    public Regularizer? DepthwiseRegularizer { get; }

    /// <summary>Penalty on the pointwise kernel, or null.</summary>
    public Regularizer? PointwiseRegularizer { get; }

    /// <summary>Penalty on the bias, or null.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <inheritdoc />
    public override void Build(int[] inputShape)
    {
        ComputeOutputShape(inputShape);
        long c = inputShape[2];
        _depthwise = AddWeight("depthwise_kernel", [c, DepthMultiplier, KernelSize.Height, KernelSize.Width], toKeras: [2, 3, 0, 1], strides: null,
            DepthwiseInitializer, trainable: true, DepthwiseRegularizer);
        _pointwise = AddWeight("pointwise_kernel", [Filters, c * DepthMultiplier, 1, 1], toKeras: [2, 3, 1, 0], strides: null,
            PointwiseInitializer, trainable: true, PointwiseRegularizer);
        _bias = UseBias ? AddWeight("bias", [Filters], toKeras: null, strides: null, BiasInitializer, trainable: true, BiasRegularizer) : null;
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 3) throw Incompatible("ndim=4 (batch, height, width, channels)", inputShape);
        var (oh, ow) = ConvGeometry.OutputSize2D(inputShape, KernelSize, Strides, DilationRate, _padding);
        if (oh <= 0 || ow <= 0) throw Incompatible("height and width of at least the (dilated) kernel size with padding \"valid\"", inputShape);
        return [oh, ow, Filters];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = ConvGeometry.PadSame(inputs.permute(0, 3, 1, 2), KernelSize, Strides, DilationRate, _padding);
        var w = _depthwise!.Storage;
        var depthwise = nn.functional.conv2d(x, w.reshape(w.shape[0] * w.shape[1], 1, w.shape[2], w.shape[3]), null,
            strides: [Strides.Vertical, Strides.Horizontal], dilation: [DilationRate, DilationRate], groups: w.shape[0]);
        var y = nn.functional.conv2d(depthwise, _pointwise!.Storage, _bias?.Storage);
        return Activations.Apply(_activation, y.permute(0, 2, 3, 1), ownsInput: true);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["filters"] = Filters;
        config["kernel_size"] = LayerConfig.Pair(KernelSize);
        config["strides"] = LayerConfig.Pair(Strides);
        config["padding"] = Padding;
        config["data_format"] = "channels_last";
        config["dilation_rate"] = new[] { DilationRate, DilationRate };
        config["depth_multiplier"] = DepthMultiplier;
        config["activation"] = Activation;
        config["use_bias"] = UseBias;
        config["depthwise_initializer"] = LayerConfig.Serialize(DepthwiseInitializer);
        config["pointwise_initializer"] = LayerConfig.Serialize(PointwiseInitializer);
        config["bias_initializer"] = LayerConfig.Serialize(BiasInitializer);
        config["depthwise_regularizer"] = LayerConfig.Serialize(DepthwiseRegularizer);
        config["pointwise_regularizer"] = LayerConfig.Serialize(PointwiseRegularizer);
        config["bias_regularizer"] = LayerConfig.Serialize(BiasRegularizer);
        return config;
    }
}
