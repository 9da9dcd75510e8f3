using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Base of the elementwise merge layers (Keras's <c>Merge</c>): two or more inputs of one shape (batch excluded) in, one
/// tensor of that shape out.
/// </summary>
public abstract class MergeLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Optional layer name.</param>
    protected MergeLayer(string? name) : base(name) { }

    /// <summary>The fewest inputs the layer takes (2), and the most (unbounded unless a subclass says so).</summary>
    private protected virtual (int Min, int Max) Arity => (2, int.MaxValue);

    /// <inheritdoc />
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        CheckArity(inputShapes.Count);
        var first = inputShapes[0];
        foreach (var s in inputShapes.Skip(1))
            if (!s.SequenceEqual(first))
                throw new ArgumentException(
                    $"Layer \"{Name}\" ({GetType().Name}): inputs have incompatible shapes. Received shapes {ShapeText(first)} and {ShapeText(s)}.");
        return first;
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => ComputeOutputShape((IReadOnlyList<int[]>)[inputShape]);

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => Call([inputs], training);

    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckArity(inputs.Count);
        return Merge(inputs);
    }

    /// <summary>Combines the inputs elementwise.</summary>
    /// <param name="inputs">Two or more tensors of one shape.</param>
    private protected abstract Tensor Merge(IReadOnlyList<Tensor> inputs);

    void CheckArity(int count)
    {
        var (min, max) = Arity;
        if (count < min || count > max)
            throw new ArgumentException(
                $"Layer \"{Name}\" ({GetType().Name}) should be called on {(min == max ? $"exactly {min}" : $"at least {min}")} inputs. Received: {count} input(s).");
    }
}
