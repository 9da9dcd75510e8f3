namespace Pipeline;

/// <summary>
/// <c>Batch</c>: groups <c>batchSize</c> consecutive elements and collates them (by default: stacked along a new
/// first axis, component-wise). Reads whole slices at once when its input is an in-memory tensor source.
/// </summary>
sealed class BatchDataset<T, TBatch>(Dataset<T> input, int batchSize, bool dropRemainder, Func<IReadOnlyList<T>, TBatch> collate, bool builtInCollation, string? collateName,
    string stepName = "Batch", bool sliceFusion = true, Action<PlanStep>? describe = null)
    : UnaryDataset<T, TBatch>(input)
{
    protected override PlanStep CreateStep()
    {
        var step = new PlanStep(stepName, StepKind.Batch).With("batchSize", batchSize, positional: true);
        describe?.Invoke(step);
        if (dropRemainder) step.With("dropRemainder", true);
        if (collateName is not null) step.With("collate", collateName);
        return step;
    }

    internal int BatchSize => batchSize;

    /// <summary>tf.data's rule: the batch dimension is unknown unless <c>dropRemainder</c>.</summary>
    internal override ElementSpec? InferElementSpec() =>
        builtInCollation && Input.InferElementSpec() is { } spec ? ElementSpecs.Batched(spec, typeof(TBatch), dropRemainder ? batchSize : null) : null;

    /// <summary>
    /// Room reserved for one batch: the batch size up to a bound, then the list grows as elements arrive. A batch size
    /// far beyond the data (Batch(int.MaxValue) to take everything at once, as tf.data allows) must not reserve memory
    /// for elements that never come.
    /// </summary>
    int InitialCapacity
    {
        get
        {
            var n = Input.Cardinality();
            return (int)Math.Max(1, Math.Min(batchSize, n >= 0 ? Math.Min(n, Dataset.MaxPreallocatedElements) : Dataset.MaxPreallocatedElements));
        }
    }

    public override long Cardinality()
    {
        var n = Input.Cardinality();
        if (n < 0) return n;
        return dropRemainder ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    protected override IEnumerable<TBatch> Iterate(IterationContext context)
    {
        if (builtInCollation && sliceFusion && Input is SlicesDataset<T> { Batch: { } slice } source && typeof(T) == typeof(TBatch))
            return Sliced(context, source.Count, (Func<long, long, TBatch>)(object)slice);
        if (builtInCollation && sliceFusion && typeof(T) == typeof(TBatch) && Input is ShuffleDataset<T> { Input: SlicesDataset<T> { Gather: { } gather } slices } shuffle)
            return Gathered(context, shuffle.ShuffledIndices(context, slices.Count), (Func<long[], TBatch>)(object)gather);
        return Grouped(context);
    }

    /// <summary>Shuffle over an in-memory tensor source: shuffle indices, then gather each batch with one index_select per tensor.</summary>
    IEnumerable<TBatch> Gathered(IterationContext context, IEnumerable<long> indices, Func<long[], TBatch> gather)
    {
        var pending = new List<long>(InitialCapacity);
        foreach (var i in indices)
        {
            pending.Add(i);
            if (pending.Count < batchSize) continue;
            yield return Elements.Detach(gather([.. pending]));
            pending.Clear();
        }
        if (pending.Count > 0 && !dropRemainder) yield return Elements.Detach(gather([.. pending]));
    }

    IEnumerable<TBatch> Sliced(IterationContext context, long count, Func<long, long, TBatch> slice)
    {
        for (long start = 0; start < count; start += batchSize)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var length = Math.Min(batchSize, count - start);
            if (length < batchSize && dropRemainder) yield break;
            yield return Elements.Detach(slice(start, length));
        }
    }

    IEnumerable<TBatch> Grouped(IterationContext context)
    {
        var pending = new List<T>(InitialCapacity);
        long batchIndex = 0;
        try
        {
            foreach (var x in Input.Read(context))
            {
                pending.Add(x);
                if (pending.Count < batchSize) continue;
                var batch = Collate(pending, batchIndex++);
                yield return batch;
            }
            if (pending.Count > 0 && !dropRemainder)
                yield return Collate(pending, batchIndex);
        }
        finally
        {
            foreach (var left in pending) Elements.Dispose(left);
        }
    }

    TBatch Collate(List<T> pending, long batchIndex)
    {
        TBatch batch;
        try
        {
            batch = Elements.RunScoped(collate, (IReadOnlyList<T>)pending);
        }
        catch (Exception e) when (!builtInCollation)
        {
            throw new DatasetException(Stage, batchIndex, e);
        }
        if (builtInCollation) foreach (var x in pending) Elements.Dispose(x);
        else foreach (var x in pending) Elements.DisposeConsumed(x, batch);
        pending.Clear();
        return batch;
    }
}
