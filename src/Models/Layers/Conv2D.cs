using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>2-D convolution over channels-last images (Keras's <c>layers.Conv2D</c>): glorot-uniform kernel, zero bias.</summary>
/// <remarks>
/// The kernel is stored for libtorch, (out, in, kh, kw) in channels_last memory order, and the (N, H, W, C) input is
/// seen as NCHW through a permuted view; oneDNN then runs on channels_last memory without a copy, and the output
/// view is channels-last again. <see cref="Variable"/> and <see cref="Layer.GetWeights"/> show Keras's (kh, kw, in, out).
/// </remarks>
public sealed class Conv2D : Layer
{
    readonly string _activation;
    readonly string _padding;
    Variable? _kernel;
    Variable? _bias;

    /// <summary>Creates a convolution with a square kernel and equal strides.</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Height and width of the kernel.</param>
    /// <param name="strides">Step in both spatial dimensions.</param>
    /// <param name="padding">"valid" (no padding) or "same" (output size = ceil(input / stride)), as TensorFlow pads.</param>
    /// <param name="activation">Keras activation name ("relu", "softmax", ...) or null for none.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="kernelInitializer">The kernel's initializer (glorot_uniform when null).</param>
    /// <param name="biasInitializer">The bias's initializer (zeros when null).</param>
    /// <param name="kernelRegularizer">Penalty on the kernel added to the loss, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias added to the loss, or null.</param>
    /// <param name="name">Optional layer name.</param>
    /// <param name="dilationRate">Spacing between kernel taps (atrous convolution); 1 for none.</param>
    /// <param name="groups">Channel groups: input and output channels split into this many independent convolutions.</param>
    public Conv2D(int filters, int kernelSize, int strides = 1, string padding = "valid", string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        string? name = null, int dilationRate = 1, int groups = 1)
        : this(filters, (kernelSize, kernelSize), (strides, strides), padding, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer, name,
            (dilationRate, dilationRate), groups) { }

    /// <summary>Creates a convolution with a rectangular kernel and per-dimension strides.</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">(height, width) of the kernel.</param>
    /// <param name="strides">(vertical, horizontal) step; null for (1, 1).</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="activation">Keras activation name or null for none.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="kernelInitializer">The kernel's initializer (glorot_uniform when null).</param>
    /// <param name="biasInitializer">The bias's initializer (zeros when null).</param>
    /// <param name="kernelRegularizer">Penalty on the kernel added to the loss, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias added to the loss, or null.</param>
    /// <param name="name">Optional layer name.</param>
    /// <param name="dilationRate">(vertical, horizontal) spacing between kernel taps; (1, 1) when null.</param>
    /// <param name="groups">Channel groups: input and output channels split into this many independent convolutions.</param>
    public Conv2D(int filters, (int Height, int Width) kernelSize, (int Vertical, int Horizontal)? strides = null, string padding = "valid", string? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, string? name = null, (int Vertical, int Horizontal)? dilationRate = null, int groups = 1)
        : base(name)
    {
        var d = dilationRate ?? (1, 1);
        var s = strides ?? (1, 1);
        ConvGeometry.RequirePositive(filters, nameof(filters), nameof(Conv2D));
        ConvGeometry.RequirePositive(kernelSize, nameof(kernelSize), nameof(Conv2D));
        ConvGeometry.RequirePositive(s, nameof(strides), nameof(Conv2D));
        ConvGeometry.RequirePositive(d, nameof(dilationRate), nameof(Conv2D));
        ConvGeometry.RequirePositive(groups, nameof(groups), nameof(Conv2D));
        if (filters % groups != 0)
            throw new ArgumentException($"Conv2D: the number of filters must be evenly divisible by the number of groups. Received: groups={groups}, filters={filters}.", nameof(groups));
        ConvGeometry.RequireStridesOrDilation(s, d, nameof(Conv2D));
        DilationRate = d;
        Groups = groups;
        Filters = filters;
        KernelSize = kernelSize;
        Strides = s;
        _padding = ConvGeometry.ResolvePadding(padding, nameof(Conv2D));
        _activation = Activations.Resolve(activation, nameof(Conv2D));
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <summary>(height, width) of the kernel.</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>(vertical, horizontal) step.</summary>
    public (int Vertical, int Horizontal) Strides { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding => _padding;

    /// <summary>(vertical, horizontal) spacing between kernel taps.</summary>
    public (int Vertical, int Horizontal) DilationRate { get; }

    /// <summary>Channel groups.</summary>
    public int Groups { get; }

    /// <summary>The activation's Keras name ("linear" when none).</summary>
    public string Activation => _activation;

    /// <summary>Whether a bias is added per filter.</summary>
    public bool UseBias { get; }

    /// <summary>The kernel's initializer.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>The bias's initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The kernel's regularizer, or null.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>The bias's regularizer, or null.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <summary>The kernel, (kh, kw, in, out) in Keras's layout; null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias, (filters); null before build or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc />
    public override void Build(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ComputeOutputShape(inputShape);
        long c = inputShape[^1] / Groups, kh = KernelSize.Height, kw = KernelSize.Width;
        // channels_last kernel: memory order (out, kh, kw, in), matching activations so oneDNN skips reorders.
        _kernel = AddWeight("kernel", [Filters, c, kh, kw], toKeras: [2, 3, 1, 0], strides: [c * kh * kw, 1, kw * c, c],
            KernelInitializer, trainable: true, KernelRegularizer);
        _bias = UseBias ? AddWeight("bias", [Filters], toKeras: null, strides: null, BiasInitializer, trainable: true, BiasRegularizer) : null;
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 3)
            throw Incompatible("min_ndim=4, max_ndim=4 (batch, height, width, channels)", inputShape);
        if (_kernel is not null && inputShape[2] != _kernel.Shape[2] * Groups)
            throw Incompatible($"axis -1 of input shape to have value {_kernel.Shape[2] * Groups}", inputShape);
        if (inputShape[2] % Groups != 0)
            throw Incompatible($"a channel count divisible by groups={Groups}", inputShape);
        int oh = ConvGeometry.OutputSize(inputShape[0], (KernelSize.Height - 1) * DilationRate.Vertical + 1, Strides.Vertical, _padding);
        int ow = ConvGeometry.OutputSize(inputShape[1], (KernelSize.Width - 1) * DilationRate.Horizontal + 1, Strides.Horizontal, _padding);
        if (oh <= 0 || ow <= 0)
            throw Incompatible($"height and width of at least the kernel size {KernelSize.Height}x{KernelSize.Width} with padding \"valid\"", inputShape);
        return [oh, ow, Filters];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // (N, H, W, C) seen as NCHW: a view, channels_last in memory when the input is contiguous NHWC.
        var x = inputs.permute(0, 3, 1, 2);
        long[] padding = [0, 0];
        if (_padding == "same")
        {
            var (top, bottom) = ConvGeometry.SamePadding((int)x.shape[2], (KernelSize.Height - 1) * DilationRate.Vertical + 1, Strides.Vertical);
            var (left, right) = ConvGeometry.SamePadding((int)x.shape[3], (KernelSize.Width - 1) * DilationRate.Horizontal + 1, Strides.Horizontal);
            if (top == bottom && left == right) padding = [top, left];
            else x = nn.functional.pad(x, [left, right, top, bottom]);
        }
        var y = nn.functional.conv2d(x, _kernel!.Storage, _bias?.Storage, strides: [Strides.Vertical, Strides.Horizontal], padding: padding,
            dilation: [DilationRate.Vertical, DilationRate.Horizontal], groups: Groups);
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
        config["dilation_rate"] = LayerConfig.Pair(DilationRate);
        config["groups"] = Groups;
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
