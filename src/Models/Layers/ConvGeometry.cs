namespace Pipeline.Models.Layers;

/// <summary>TensorFlow's "valid" / "same" arithmetic for one spatial dimension.</summary>
internal static class ConvGeometry
{
    internal static string ResolvePadding(string padding, string layerType)
    {
        var key = (padding ?? "").Trim().ToLowerInvariant();
        if (key is not ("valid" or "same"))
            throw new ArgumentException($"Invalid padding '{padding}' for layer {layerType}: expected \"valid\" or \"same\".", nameof(padding));
        return key;
    }

    internal static int OutputSize(int input, int kernel, int stride, string padding) =>
        padding == "same" ? (input + stride - 1) / stride : input < kernel ? 0 : (input - kernel) / stride + 1;

    /// <summary>Padding before and after; TF puts the odd extra element after.</summary>
    internal static (int Before, int After) SamePadding(int input, int kernel, int stride)
    {
        var output = (input + stride - 1) / stride;
        var total = Math.Max((output - 1) * stride + kernel - input, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>Output (height, width) of a 2-D window with dilation; the dilated kernel spans (k - 1) · d + 1.</summary>
    internal static (int Height, int Width) OutputSize2D(int[] sampleShape, (int Height, int Width) kernel, (int Vertical, int Horizontal) strides, int dilation, string padding) =>
        (OutputSize(sampleShape[0], (kernel.Height - 1) * dilation + 1, strides.Vertical, padding),
         OutputSize(sampleShape[1], (kernel.Width - 1) * dilation + 1, strides.Horizontal, padding));

    /// <summary>Pads an NCHW view as TensorFlow's "same" does (odd extra after); returns it unchanged for "valid".</summary>
    internal static TorchSharp.torch.Tensor PadSame(TorchSharp.torch.Tensor nchw, (int Height, int Width) kernel, (int Vertical, int Horizontal) strides, int dilation, string padding)
    {
        if (padding != "same") return nchw;
        var (top, bottom) = SamePadding((int)nchw.shape[2], (kernel.Height - 1) * dilation + 1, strides.Vertical);
        var (left, right) = SamePadding((int)nchw.shape[3], (kernel.Width - 1) * dilation + 1, strides.Horizontal);
        return top + bottom + left + right == 0 ? nchw : TorchSharp.torch.nn.functional.pad(nchw, [left, right, top, bottom]);
    }

    internal static void RequirePositive(int value, string argument, string layerType)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(argument, value, $"{layerType}: {argument} must be positive.");
    }
}
