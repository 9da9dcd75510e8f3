namespace Pipeline;

/// <summary>
/// <c>Shuffle</c> with tf.data's buffer algorithm: fill a buffer with the first <c>bufferSize</c> elements, then
/// repeatedly emit a uniformly chosen buffered element and put the next input element in its slot; when the input
/// ends, drain the buffer in random order.
/// </summary>
sealed class ShuffleDataset<T>(Dataset<T> input, int bufferSize, long? seed, bool reshuffleEachIteration) : UnaryDataset<T, T>(input)
{
    // Without a seed, one is drawn per dataset so that reshuffleEachIteration=false still repeats one order.
    readonly long _seed = RandomSeed.GetSeed(seed);
    long _epoch = -1;

    internal int BufferSize => bufferSize;

    protected override PlanStep CreateStep()
    {
        var step = new PlanStep("Shuffle", StepKind.Shuffle, StepTraits.Random).With("bufferSize", bufferSize, positional: true);
        if (seed is { } s) step.With("seed", s);
        if (!reshuffleEachIteration) step.With("reshuffleEachIteration", false);
        return step;
    }

    public override long Cardinality() => Input.Cardinality();

    protected override IEnumerable<T> Iterate(IterationContext context) => Run(Input.Read(context), context, NextEpochRandom(), Elements.Dispose);

    DeterministicRandom NextEpochRandom()
    {
        var epoch = Interlocked.Increment(ref _epoch);
        return new DeterministicRandom(DeterministicRandom.Mix(_seed, reshuffleEachIteration ? epoch : 0));
    }

    /// <summary>
    /// The order this step would yield the elements of a <paramref name="count"/>-element index source in, for one
    /// epoch: the same algorithm and random draws as <see cref="Iterate"/>, so a fused Batch gathers exactly the
    /// batches the element-by-element path would stack.
    /// </summary>
    internal IEnumerable<long> ShuffledIndices(IterationContext context, long count) =>
        Run(CountUp(count, context.CancellationToken), context, NextEpochRandom(), static _ => { });

    static IEnumerable<long> CountUp(long count, CancellationToken token)
    {
        for (long i = 0; i < count; i++)
        {
            token.ThrowIfCancellationRequested();
            yield return i;
        }
    }

    IEnumerable<TElement> Run<TElement>(IEnumerable<TElement> input, IterationContext context, DeterministicRandom random, Action<TElement> dispose)
    {
        // Reserve what the buffer will hold, but never more than a bound: a bufferSize far above the data's size is common.
        var capacity = (int)Math.Min(Math.Min(bufferSize, Dataset.MaxPreallocatedElements), Input.Cardinality() is >= 0 and var n ? n : long.MaxValue);
        var buffer = new List<TElement>(capacity);
        try
        {
            foreach (var x in input)
            {
                if (buffer.Count < bufferSize)
                {
                    buffer.Add(x);
                    continue;
                }
                var i = random.NextInt(buffer.Count);
                var chosen = buffer[i];
                buffer[i] = x;
                yield return chosen;
            }
            while (buffer.Count > 0)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                var i = random.NextInt(buffer.Count);
                var chosen = buffer[i];
                var last = buffer.Count - 1;
                buffer[i] = buffer[last];
                buffer.RemoveAt(last);
                yield return chosen;
            }
        }
        finally
        {
            foreach (var left in buffer) dispose(left);
        }
    }
}
