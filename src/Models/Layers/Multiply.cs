using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>Multiply</c>: the elementwise product of its inputs, which broadcast as every <see cref="MergeLayer"/>'s
/// do: squeeze-and-excitation multiplies (h, w, c) feature maps by (1, 1, c) channel weights.
/// </summary>
public sealed class Multiply : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public Multiply(string? name = null) : base(name) { }

    private protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var product = inputs[0];
        for (int i = 1; i < inputs.Count; i++) product = product.mul(inputs[i]);
        return product;
    }
}
