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
        if (value <= 0)
            throw new ArgumentOutOfRangeException(argument, value,
                $"{layerType}: invalid value for argument `{argument}`. Expected a strictly positive value. Received {argument}={value}.");
    }

    /// <summary>Keras's check of a (height, width) argument such as kernelSize or strides: both sizes positive.</summary>
    internal static void RequirePositive((int, int) value, string argument, string layerType)
    {
        var bad = new[] { value.Item1, value.Item2 }.Where(v => v <= 0).Distinct().ToArray();
        if (bad.Length > 0)
            throw new ArgumentOutOfRangeException(argument, value,
                $"{layerType}: the `{argument}` argument must be a tuple of 2 positive integers. Received {argument}={value}, " +
                $"including values {{{string.Join(", ", bad)}}} that do not satisfy `value > 0`.");
    }

    /// <summary>
    /// Keras's rule for Conv1D, Conv2D and Conv2DTranspose (inherited from TensorFlow's kernels): a stride above 1 and a
    /// dilation above 1 cannot be combined.
    /// </summary>
    internal static void RequireStridesOrDilation((int, int) strides, (int, int) dilationRate, string layerType) =>
        RequireStridesOrDilation(Math.Max(strides.Item1, strides.Item2), strides.ToString(),
            Math.Max(dilationRate.Item1, dilationRate.Item2), dilationRate.ToString(), layerType);

    /// <summary>The one-dimensional form of the check above (Conv1D).</summary>
    internal static void RequireStridesOrDilation(int strides, int dilationRate, string layerType) =>
        RequireStridesOrDilation(strides, $"{strides}", dilationRate, $"{dilationRate}", layerType);

    static void RequireStridesOrDilation(int maxStride, string strides, int maxDilation, string dilationRate, string layerType)
    {
        if (maxStride > 1 && maxDilation > 1)
            throw new ArgumentException(
                $"{layerType}: `strides > 1` not supported in conjunction with `dilationRate > 1`. Received: strides={strides} and dilationRate={dilationRate}.",
                nameof(dilationRate));
    }
}
