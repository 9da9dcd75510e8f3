using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Base of the elementwise merge layers (Keras's <c>Merge</c>): two or more inputs in, one tensor out. Inputs broadcast
/// as in Keras 3: sample shapes (batch excluded) are aligned from the last axis and each pair of sizes must be equal or
/// one of them 1, so (h, w, c) feature maps merge with (1, 1, c) channel weights; an input of lower rank gains size-1
/// axes right after the batch axis, so (None, 5) merges with (None, 3, 5) into (None, 3, 5).
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
        var result = inputShapes[0];
        foreach (var s in inputShapes.Skip(1)) result = Broadcast(result, s);
        return result;
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => ComputeOutputShape((IReadOnlyList<int[]>)[inputShape]);

    /// <summary>
    /// Keras's elementwise shape rule for two sample shapes (-1 = unknown): the shorter is aligned with the end of the
    /// longer; per axis an unknown size gives unknown, a 1 takes the other size, otherwise the sizes must match.
    /// </summary>
    int[] Broadcast(int[] a, int[] b)
    {
        // Keras reports the longer shape first.
        if (a.Length < b.Length) (a, b) = (b, a);
        var result = a.ToArray();
        for (int k = 1; k <= b.Length; k++)
        {
            int x = a[^k], y = b[^k];
            if (x < 0 || y < 0) result[^k] = -1;
            else if (x == 1) result[^k] = y;
            else if (y == 1 || x == y) result[^k] = x;
            else
                throw new ArgumentException(
                    $"Layer \"{Name}\" ({GetType().Name}): inputs have incompatible shapes. Received shapes {ShapeText(a)} and {ShapeText(b)}.");
        }
        return result;
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => Call([inputs], training);

    /// <inheritdoc />
    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckArity(inputs.Count);
        foreach (var t in inputs)
            if (t.dim() < 1)
                throw new ArgumentException($"Layer \"{Name}\" expects batched inputs; got a tensor of shape ({string.Join(", ", t.shape)}).", nameof(inputs));
        long batch = inputs[0].shape[0];
        int rank = 0;
        foreach (var t in inputs)
        {
            if (t.shape[0] != batch)
                throw new ArgumentException(
                    $"Layer \"{Name}\" ({GetType().Name}): cannot merge tensors with different batch sizes. Received tensors with shapes " +
                    string.Join(", ", inputs.Select(i => "(" + string.Join(", ", i.shape) + ")")) + ".", nameof(inputs));
            rank = Math.Max(rank, (int)t.dim());
        }
        // Sample shapes are aligned from the end, batches from the front: a lower-rank input gets its missing axes after
        // the batch axis (views, no copies), after which libtorch's own right-aligned broadcasting does the rest.
        if (inputs.All(t => t.dim() == rank)) return Merge(inputs);
        using var scope = NewDisposeScope();
        var aligned = new Tensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            var t = inputs[i];
            while (t.dim() < rank) t = t.unsqueeze(1);
            aligned[i] = t;
        }
        return Merge(aligned).MoveToOuterDisposeScope();
    }

    /// <summary>Combines the inputs elementwise.</summary>
    /// <param name="inputs">Two or more tensors of one rank whose sizes are equal or 1 on every axis.</param>
    private protected abstract Tensor Merge(IReadOnlyList<Tensor> inputs);

    void CheckArity(int count)
    {
        var (min, max) = Arity;
        if (count < min || count > max)
            throw new ArgumentException(
                $"Layer \"{Name}\" ({GetType().Name}) should be called on {(min == max ? $"exactly {min}" : $"at least {min}")} inputs. Received: {count} input(s).");
    }
}
