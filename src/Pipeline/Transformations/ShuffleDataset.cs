namespace Pipeline;

/// <summary>
/// <c>Shuffle</c> with tf.data's buffer algorithm: fill a buffer with the first <c>bufferSize</c> elements, then
/// repeatedly emit a uniformly chosen buffered element and put the next input element in its slot; when the input
/// ends, drain the buffer in random order.
/// </summary>
sealed class ShuffleDataset<T>(Dataset<T> input, int bufferSize, long? seed, bool reshuffleEachIteration) : UnaryDataset<T, T>(input)
{
    // Without a seed, one is drawn per dataset so that reshuffleEachIteration=false still repeats one order.
    readonly long _seed = seed ?? DeterministicRandom.NewSeed();
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

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        var epoch = Interlocked.Increment(ref _epoch);
        return Run(context, new DeterministicRandom(DeterministicRandom.Mix(_seed, reshuffleEachIteration ? epoch : 0)));
    }

    IEnumerable<T> Run(IterationContext context, DeterministicRandom random)
    {
        var capacity = Input.Cardinality() is >= 0 and var n ? (int)Math.Min(n, bufferSize) : Math.Min(bufferSize, 1 << 16);
        var buffer = new List<T>(capacity);
        try
        {
            foreach (var x in Input.Enumerate(context))
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
            foreach (var left in buffer) Elements.Dispose(left);
        }
    }
}
