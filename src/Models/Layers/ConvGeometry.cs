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

    internal static void RequirePositive(int value, string argument, string layerType)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(argument, value, $"{layerType}: {argument} must be positive.");
    }
}
