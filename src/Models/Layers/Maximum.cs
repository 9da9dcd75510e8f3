using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Maximum</c>: the elementwise maximum of its inputs.</summary>
public sealed class Maximum : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public Maximum(string? name = null) : base(name) { }

    private protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var max = inputs[0];
        for (int i = 1; i < inputs.Count; i++) max = maximum(max, inputs[i]);
        return max;
    }
}
