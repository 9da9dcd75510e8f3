using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>GlobalMaxPooling2D</c>: the maximum over height and width, (batch, h, w, channels) → (batch, channels).</summary>
public sealed class GlobalMaxPooling2D : GlobalPooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepdims">Keep the pooled axes with length 1.</param>
    /// <param name="name">Optional layer name.</param>
    public GlobalMaxPooling2D(bool keepdims = false, string? name = null) : base(2, keepdims, name, "ndim=4 (batch, height, width, channels)") { }

    private protected override Tensor Reduce(Tensor inputs, long[] axes, bool keepdim) => inputs.amax(axes, keepdim: keepdim);
}
