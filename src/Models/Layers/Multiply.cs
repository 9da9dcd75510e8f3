using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>Multiply</c>: the elementwise product of its inputs, which broadcast as Keras 3's merge layers do (sizes
/// aligned from the last axis, each equal or 1): squeeze-and-excitation multiplies (h, w, c) feature maps by (1, 1, c)
/// channel weights.
/// </summary>
public sealed class Multiply : MergeLayer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public Multiply(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count < 2)
            throw new ArgumentException($"Layer \"{Name}\" (Multiply) should be called on at least 2 inputs. Received: {inputShapes.Count} input(s).");
        var result = inputShapes[0];
        foreach (var s in inputShapes.Skip(1)) result = Broadcast(result, s);
        return result;
    }

    int[] Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int x = i <= a.Length ? a[^i] : 1, y = i <= b.Length ? b[^i] : 1;
            if (x != y && x != 1 && y != 1)
                throw new ArgumentException(
                    $"Layer \"{Name}\" (Multiply): inputs have incompatible shapes. Received shapes {ShapeText(a)} and {ShapeText(b)}: sizes {x} and {y} neither match nor are 1.");
            result[^i] = x == 1 ? y : x;
        }
        return result;
    }

    private protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var product = inputs[0];
        for (int i = 1; i < inputs.Count; i++) product = product.mul(inputs[i]);
        return product;
    }
}
