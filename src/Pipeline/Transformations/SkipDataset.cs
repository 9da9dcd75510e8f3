namespace Pipeline;

/// <summary><c>Skip</c>: drops (and disposes) the first <c>count</c> elements (all when count is -1).</summary>
sealed class SkipDataset<T>(Dataset<T> input, long count) : UnaryDataset<T, T>(input)
{
    protected override PlanStep CreateStep() => new PlanStep("Skip", StepKind.Slice).With("count", count, positional: true);

    public override long Cardinality()
    {
        var n = Input.Cardinality();
        if (n < 0) return count < 0 && n == Dataset.InfiniteCardinality ? 0 : n;
        return count < 0 ? 0 : Math.Max(0, n - count);
    }

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        long seen = 0;
        foreach (var x in Input.Read(context))
        {
            if (count < 0 || seen++ < count)
            {
                Elements.Dispose(x);
                continue;
            }
            yield return x;
        }
    }
}
