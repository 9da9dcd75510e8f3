using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>What a layer needs to create its weights: the device and the hidden memory layout.</summary>
/// <param name="Device">Where weights live.</param>
/// <param name="ChannelsLast">
/// True when 4-D activations use libtorch's channels_last memory format (oneDNN's fast path): conv
/// kernels are then laid out (out, kh, kw, in) in memory so no kernel reorders run per step.
/// </param>
internal sealed record BuildContext(Device Device, bool ChannelsLast);
