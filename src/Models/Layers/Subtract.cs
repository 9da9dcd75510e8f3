using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Subtract</c>: its first input minus its second.</summary>
public sealed class Subtract : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public Subtract(string? name = null) : base(name) { }

    private protected override (int Min, int Max) Arity => (2, 2);

    private protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        return inputs[0].sub(inputs[1]);
    }
}
