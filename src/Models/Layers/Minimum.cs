using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Minimum</c>: the elementwise minimum of its inputs.</summary>
public sealed class Minimum : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public Minimum(string? name = null) : base(name) { }

    private protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var min = inputs[0];
        for (int i = 1; i < inputs.Count; i++) min = minimum(min, inputs[i]);
        return min;
    }
}
