using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>2-D convolution over channels-last images (Keras's <c>layers.Conv2D</c>): glorot-uniform kernel, zero bias.</summary>
public sealed class Conv2D : Layer
{
    readonly string _activation;
    readonly string _padding;
    TorchSharp.Modules.Parameter? _kernel;
    TorchSharp.Modules.Parameter? _bias;
    long[] _torchPadding = [0, 0];
    long[]? _explicitPad;

    /// <summary>Creates a convolution with a square kernel and equal strides.</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">Height and width of the kernel.</param>
    /// <param name="strides">Step in both spatial dimensions.</param>
    /// <param name="padding">"valid" (no padding) or "same" (output size = ceil(input / stride)), as TensorFlow pads.</param>
    /// <param name="activation">Keras activation name ("relu", "softmax", ...) or null for none.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="name">Optional layer name.</param>
    public Conv2D(int filters, int kernelSize, int strides = 1, string padding = "valid", string? activation = null, bool useBias = true, string? name = null)
        : this(filters, (kernelSize, kernelSize), (strides, strides), padding, activation, useBias, name) { }

    /// <summary>Creates a convolution with a rectangular kernel and per-dimension strides.</summary>
    /// <param name="filters">Number of output channels.</param>
    /// <param name="kernelSize">(height, width) of the kernel.</param>
    /// <param name="strides">(vertical, horizontal) step.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="activation">Keras activation name or null for none.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="name">Optional layer name.</param>
    public Conv2D(int filters, (int Height, int Width) kernelSize, (int Vertical, int Horizontal) strides, string padding = "valid", string? activation = null, bool useBias = true, string? name = null)
        : base(name)
    {
        ConvGeometry.RequirePositive(filters, nameof(filters), nameof(Conv2D));
        ConvGeometry.RequirePositive(kernelSize.Height, nameof(kernelSize), nameof(Conv2D));
        ConvGeometry.RequirePositive(kernelSize.Width, nameof(kernelSize), nameof(Conv2D));
        ConvGeometry.RequirePositive(strides.Vertical, nameof(strides), nameof(Conv2D));
        ConvGeometry.RequirePositive(strides.Horizontal, nameof(strides), nameof(Conv2D));
        Filters = filters;
        KernelSize = kernelSize;
        Strides = strides;
        _padding = ConvGeometry.ResolvePadding(padding, nameof(Conv2D));
        _activation = Activations.Resolve(activation, nameof(Conv2D));
        UseBias = useBias;
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }

    /// <summary>(height, width) of the kernel.</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>(vertical, horizontal) step.</summary>
    public (int Vertical, int Horizontal) Strides { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding => _padding;

    /// <summary>The activation's Keras name ("linear" when none).</summary>
    public string Activation => _activation;

    /// <summary>Whether a bias is added per filter.</summary>
    public bool UseBias { get; }

    internal override bool Spatial => true;

    internal override IReadOnlyList<TorchSharp.Modules.Parameter> Parameters =>
        _kernel is null ? [] : _bias is null ? [_kernel] : [_kernel, _bias];

    internal override int[] ComputeOutputShapeAndBuild(int[] inputShape, BuildContext context)
    {
        if (inputShape.Length != 3)
            throw Incompatible("min_ndim=4, max_ndim=4 (batch, height, width, channels)", inputShape);
        int h = inputShape[0], w = inputShape[1], c = inputShape[2];
        int oh = ConvGeometry.OutputSize(h, KernelSize.Height, Strides.Vertical, _padding);
        int ow = ConvGeometry.OutputSize(w, KernelSize.Width, Strides.Horizontal, _padding);
        if (oh <= 0 || ow <= 0)
            throw Incompatible($"height and width of at least the kernel size {KernelSize.Height}x{KernelSize.Width} with padding \"valid\"", inputShape);

        if (_padding == "same")
        {
            var (top, bottom) = ConvGeometry.SamePadding(h, KernelSize.Height, Strides.Vertical);
            var (left, right) = ConvGeometry.SamePadding(w, KernelSize.Width, Strides.Horizontal);
            if (top == bottom && left == right) _torchPadding = [top, left];
            else _explicitPad = [left, right, top, bottom];
        }

        long kh = KernelSize.Height, kw = KernelSize.Width;
        long[] size = [Filters, c, kh, kw];
        // channels_last kernel: memory order (out, kh, kw, in), matching activations so oneDNN skips reorders.
        var kernel = context.ChannelsLast
            ? empty_strided(size, [c * kh * kw, 1, kw * c, c], ScalarType.Float32, context.Device)
            : empty(size, ScalarType.Float32, context.Device);
        _kernel = Initializers.GlorotUniform(kernel, c * kh * kw, Filters * kh * kw);
        _bias = UseBias ? Initializers.Zeros(Filters, context.Device) : null;
        return [oh, ow, Filters];
    }

    internal override Tensor Call(Tensor x, bool training) => Activations.Apply(_activation, Convolve(x), channelAxis: 1, ownsInput: true);

    internal override Tensor CallWithoutSoftmax(Tensor x, bool training) =>
        _activation == "softmax" ? Convolve(x) : Call(x, training);

    internal override bool EndsWithSoftmax => _activation == "softmax";

    Tensor Convolve(Tensor x)
    {
        if (_explicitPad is not null) x = nn.functional.pad(x, _explicitPad);
        return nn.functional.conv2d(x, _kernel!, _bias, strides: [Strides.Vertical, Strides.Horizontal], padding: _torchPadding);
    }
}
