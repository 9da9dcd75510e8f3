using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>GlobalMaxPooling1D</c>: the maximum over the steps of a sequence, (batch, steps, channels) → (batch, channels).</summary>
public sealed class GlobalMaxPooling1D : GlobalPooling
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepdims">Keep the pooled axes with length 1.</param>
    /// <param name="name">Optional layer name.</param>
    public GlobalMaxPooling1D(bool keepdims = false, string? name = null) : base(1, keepdims, name, "ndim=3 (batch, steps, channels)") { }

    private protected override Tensor Reduce(Tensor inputs, long[] axes, bool keepdim) => inputs.amax(axes, keepdim: keepdim);
}
