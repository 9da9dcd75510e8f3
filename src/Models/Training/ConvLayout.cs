namespace Pipeline.Models.Training;

/// <summary>
/// The memory layout 4-D activations use inside models. Keras's (N, H, W, C) tensors map onto libtorch's
/// channels_last format with no copy (a permuted view), which oneDNN convolutions run natively; the
/// alternative is a copy to contiguous NCHW at the first convolution and back at the first flatten.
/// The faster one on CPU (see docs/benchmarks.md) is the default; PIPELINE_CONV_LAYOUT=nchw or
/// channels_last overrides it for measurement.
/// </summary>
internal static class ConvLayout
{
    internal static bool DefaultChannelsLast =>
        Environment.GetEnvironmentVariable("PIPELINE_CONV_LAYOUT")?.Trim().ToLowerInvariant() switch
        {
            "nchw" => false,
            "channels_last" or "nhwc" => true,
            _ => true,
        };
}
