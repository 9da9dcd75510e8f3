using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>GlobalAveragePooling2D</c>: the mean over height and width, (batch, h, w, channels) → (batch, channels).</summary>
public sealed class GlobalAveragePooling2D : GlobalPooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepdims">Keep the pooled axes with length 1.</param>
    /// <param name="name">Optional layer name.</param>
    public GlobalAveragePooling2D(bool keepdims = false, string? name = null) : base(2, keepdims, name, "ndim=4 (batch, height, width, channels)") { }

    private protected override Tensor Reduce(Tensor inputs, long[] axes, bool keepdim) => inputs.mean(axes, keepdim: keepdim);
}
