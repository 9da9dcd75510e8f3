using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Add</c>: the elementwise sum of its inputs (a residual connection: <c>new Add().Apply([x, shortcut])</c>).</summary>
public sealed class Add : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public Add(string? name = null) : base(name) { }

    private protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var sum = inputs[0];
        for (int i = 1; i < inputs.Count; i++) sum = sum.add(inputs[i], Training.Scalars.One);
        return sum;
    }
}
