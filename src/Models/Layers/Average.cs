using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Average</c>: the elementwise mean of its inputs.</summary>
public sealed class Average : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public Average(string? name = null) : base(name) { }

    private protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        using var count = (1.0 / inputs.Count).ToScalar();
        var sum = inputs[0];
        for (int i = 1; i < inputs.Count; i++) sum = sum.add(inputs[i], Training.Scalars.One);
        return sum.mul(count);
    }
}
