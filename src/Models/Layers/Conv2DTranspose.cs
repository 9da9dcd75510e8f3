using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>Conv2DTranspose</c> ("deconvolution") over channels-last images: kernel (kh, kw, filters, in) in Keras's
/// layout. Output size per axis: "valid" (i − 1) · s + (k − 1) · d + 1, "same" i · s; TensorFlow's extra padding for an
/// odd remainder sits at the end. With <c>outputPadding</c> p (Keras's <c>output_padding</c>, less than the stride) it is
/// (i − 1) · s + k_eff − 2 · pad + p, with pad = k_eff / 2 for "same" and 0 for "valid", k_eff = (k − 1) · d + 1.
/// </summary>
public sealed class Conv2DTranspose : Layer
{
    readonly string _activation;
    readonly string _padding;
    Variable? _kernel, _bias;

    /// <summary>Creates the layer with a square kernel and equal strides.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    /// <param name="strides">Upsampling step in both dimensions.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="dilationRate">Spacing between kernel taps.</param>
    /// <param name="activation">Keras activation name, or null.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="kernelInitializer">glorot_uniform by default.</param>
    /// <param name="biasInitializer">zeros by default.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias, or null.</param>
    /// <param name="outputPadding">Extra rows and columns at the end of the output (Keras's <c>output_padding</c>), less than
    /// <paramref name="strides"/>; null for the default sizes.</param>
    /// <param name="name">Optional layer name.</param>
    public Conv2DTranspose(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1, string? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        Regularizer? biasRegularizer = null, int? outputPadding = null, string? name = null)
        : this(filters, (kernelSize, kernelSize), (strides, strides), padding, dilationRate, activation, useBias, kernelInitializer, biasInitializer,
            kernelRegularizer, biasRegularizer, outputPadding, name) { }

    /// <summary>Creates the layer with a rectangular kernel and per-dimension strides.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">(height, width) of the kernel.</param>
    /// <param name="strides">(vertical, horizontal) upsampling step; (1, 1) when null.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="dilationRate">Spacing between kernel taps.</param>
    /// <param name="activation">Keras activation name, or null.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="kernelInitializer">glorot_uniform by default.</param>
    /// <param name="biasInitializer">zeros by default.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias, or null.</param>
    /// <param name="outputPadding">Extra rows and columns at the end of the output (Keras's <c>output_padding</c>), less than
    /// the stride of each dimension; null for the default sizes.</param>
    /// <param name="name">Optional layer name.</param>
    public Conv2DTranspose(int filters, (int Height, int Width) kernelSize, (int Vertical, int Horizontal)? strides = null, string padding = "valid",
        int dilationRate = 1, string? activation = null, bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, int? outputPadding = null, string? name = null) : base(name)
    {
        var s = strides ?? (1, 1);
        ConvGeometry.RequirePositive(filters, nameof(filters), nameof(Conv2DTranspose));
        ConvGeometry.RequirePositive(kernelSize, nameof(kernelSize), nameof(Conv2DTranspose));
        ConvGeometry.RequirePositive(s, nameof(strides), nameof(Conv2DTranspose));
        ConvGeometry.RequirePositive(dilationRate, nameof(dilationRate), nameof(Conv2DTranspose));
        ConvGeometry.RequireStridesOrDilation(s, (dilationRate, dilationRate), nameof(Conv2DTranspose));
        if (outputPadding is int op)
        {
            // libtorch's limit: less than the stride or the dilation (Keras allows only the stride; both agree once
            // strides > 1 excludes dilation > 1).
            int dimension = op < 0 || op >= Math.Max(s.Vertical, dilationRate) ? 0 : op >= Math.Max(s.Horizontal, dilationRate) ? 1 : -1;
            if (dimension >= 0)
                throw new ArgumentOutOfRangeException(nameof(outputPadding), op,
                    $"Conv2DTranspose: `outputPadding` must be at least 0 and strictly less than the stride (or the dilation rate) for all dimensions. " +
                    $"At dimension {dimension}, `outputPadding` is {op} but the stride is {(dimension == 0 ? s.Vertical : s.Horizontal)} and the dilation rate {dilationRate}. " +
                    $"Received: outputPadding={op}, strides={s}, dilationRate={dilationRate}.");
        }
        OutputPadding = outputPadding;
        (Filters, KernelSize, Strides, DilationRate, UseBias) = (filters, kernelSize, s, dilationRate, useBias);
        _padding = ConvGeometry.ResolvePadding(padding, nameof(Conv2DTranspose));
        _activation = Activations.Resolve(activation, nameof(Conv2DTranspose));
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        (KernelRegularizer, BiasRegularizer) = (kernelRegularizer, biasRegularizer);
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>(height, width) of the kernel.</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>(vertical, horizontal) upsampling step.</summary>
    public (int Vertical, int Horizontal) Strides { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding => _padding;

    /// <summary>Extra output rows and columns at the end, or null for the default output size.</summary>
    public int? OutputPadding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int DilationRate { get; }

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

    int EffectiveKernel(int kernel) => (kernel - 1) * DilationRate + 1;

    /// <inheritdoc />
    public override void Build(int[] inputShape)
    {
        ComputeOutputShape(inputShape);
        long c = inputShape[2];
        // torch's transposed weight is (in, out, kh, kw); Keras's kernel (kh, kw, out, in).
        _kernel = AddWeight("kernel", [c, Filters, KernelSize.Height, KernelSize.Width], toKeras: [2, 3, 1, 0], strides: null, KernelInitializer, trainable: true, KernelRegularizer);
        _bias = UseBias ? AddWeight("bias", [Filters], toKeras: null, strides: null, BiasInitializer, trainable: true, BiasRegularizer) : null;
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 3) throw Incompatible("ndim=4 (batch, height, width, channels)", inputShape);
        return [Size(inputShape[0], KernelSize.Height, Strides.Vertical), Size(inputShape[1], KernelSize.Width, Strides.Horizontal), Filters];
    }

    int Size(int input, int kernel, int stride) => OutputPadding is int op
        ? (input - 1) * stride + EffectiveKernel(kernel) - 2 * ExplicitPad(kernel) + op
        : _padding == "same" ? input * stride : (input - 1) * stride + EffectiveKernel(kernel);

    /// <summary>What Keras crops from each side of the full transposed convolution when outputPadding is given.</summary>
    int ExplicitPad(int kernel) => _padding == "same" ? EffectiveKernel(kernel) / 2 : 0;

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs.permute(0, 3, 1, 2);
        var (kh, kw) = KernelSize;
        var (sh, sw) = Strides;
        if (OutputPadding is int op)
        {
            // Keras's explicit form maps onto libtorch's directly: crop pad on both sides, op more rows/columns at the end.
            var padded = nn.functional.conv_transpose2d(x, _kernel!.Storage, _bias?.Storage, strides: [sh, sw],
                padding: [ExplicitPad(kh), ExplicitPad(kw)], output_padding: [op, op], dilation: [DilationRate, DilationRate]);
            return Activations.Apply(_activation, padded.permute(0, 2, 3, 1), ownsInput: true);
        }
        long h = x.shape[2], w = x.shape[3];
        // "same": TensorFlow's output is the full transposed convolution cropped by the forward convolution's "same"
        // padding, floor(excess / 2) before and the rest after (excess = k_eff - s); libtorch's padding crops both ends
        // equally, so the full result is cropped here (a view) instead.
        int excessH = EffectiveKernel(kh) - sh, excessW = EffectiveKernel(kw) - sw;
        bool same = _padding == "same";
        long extraH = same && excessH < 0 ? -excessH : 0, extraW = same && excessW < 0 ? -excessW : 0;
        var y = nn.functional.conv_transpose2d(x, _kernel!.Storage, _bias?.Storage, strides: [sh, sw],
            output_padding: [extraH, extraW], dilation: [DilationRate, DilationRate]);
        if (same)
            y = y.narrow(2, Math.Max(excessH, 0) / 2, h * sh).narrow(3, Math.Max(excessW, 0) / 2, w * sw);
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
        config["output_padding"] = OutputPadding is int op ? new[] { op, op } : null;
        config["dilation_rate"] = new[] { DilationRate, DilationRate };
        config["activation"] = Activation;
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = LayerConfig.Serialize(KernelInitializer);
        config["bias_initializer"] = LayerConfig.Serialize(BiasInitializer);
        config["kernel_regularizer"] = LayerConfig.Serialize(KernelRegularizer);
        config["bias_regularizer"] = LayerConfig.Serialize(BiasRegularizer);
        return config;
    }
}
