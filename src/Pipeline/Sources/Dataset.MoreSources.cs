namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>tf.data.Dataset.from_tensors(element)</c>: a dataset of exactly one element, <paramref name="element"/> as a
    /// whole (a tensor stays one element; use FromTensorSlices to split its first axis). Each iteration yields a new
    /// handle on it (tensors aliased, no copy), which the receiver disposes; <paramref name="element"/> stays yours.
    /// </summary>
    /// <param name="element">A tensor, tuple, dictionary, structure or value.</param>
    public static Dataset<T> FromTensors<T>(T element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var step = new PlanStep("FromTensors", StepKind.Source).With("element", Elements.Describe(element), positional: true);
        return new IteratorDataset<T>(step, _ => [Elements.Share(element)], 1);
    }

    /// <summary><c>tf.data.Dataset.counter(start, step)</c>: <paramref name="start"/>, start + step, ... without end.</summary>
    /// <param name="start">The first value.</param>
    /// <param name="step">The increment (may be negative or 0).</param>
    public static Dataset<long> Counter(long start = 0, long step = 1)
    {
        var plan = new PlanStep("Counter", StepKind.Source);
        if (start != 0) plan.With("start", start);
        if (step != 1) plan.With("step", step);
        return new IteratorDataset<long>(plan, CountFrom, InfiniteCardinality);

        IEnumerable<long> CountFrom(IterationContext context)
        {
            for (var value = start; ; value = unchecked(value + step))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                yield return value;
            }
        }
    }

    /// <summary>
    /// <c>tf.data.Dataset.random(seed, rerandomize_each_iteration)</c>: uniformly random non-negative 64-bit integers
    /// without end (map them to what you need: <c>Random(seed: 1).Map(x =&gt; x % 6 + 1)</c>).
    /// </summary>
    /// <param name="seed">Makes the sequence reproducible; null takes one from <see cref="RandomSeed.GetSeed"/> once, when the dataset is built.</param>
    /// <param name="rerandomizeEachIteration">False (default): every iteration yields the same sequence; true: each
    /// iteration a new one (still reproducible from <paramref name="seed"/>).</param>
    [RandomOp]
    public static Dataset<long> Random(long? seed = null, bool rerandomizeEachIteration = false)
    {
        var plan = new PlanStep("Random", StepKind.Source, StepTraits.Random);
        if (seed is { } s) plan.With("seed", s);
        if (rerandomizeEachIteration) plan.With("rerandomizeEachIteration", true);
        var baseSeed = RandomSeed.GetSeed(seed);
        long epoch = -1;
        return new IteratorDataset<long>(plan, Draw, InfiniteCardinality);

        IEnumerable<long> Draw(IterationContext context)
        {
            var stream = rerandomizeEachIteration ? Interlocked.Increment(ref epoch) : 0;
            var random = new DeterministicRandom(DeterministicRandom.Mix(baseSeed, stream));
            while (true)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                yield return (long)(random.NextUInt64() >> 1);
            }
        }
    }

    /// <summary><c>tf.data.Dataset.zip((a, b, c))</c>: triples of the i-th elements; ends with the shortest dataset.</summary>
    public static Dataset<(T1, T2, T3)> Zip<T1, T2, T3>(Dataset<T1> first, Dataset<T2> second, Dataset<T3> third)
    {
        ArgumentNullException.ThrowIfNull(third);
        return first.Zip(second).Zip(third).Map(e => (e.Item1.Item1, e.Item1.Item2, e.Item2), traits: StepTraits.None, name: "flatten");
    }
}
