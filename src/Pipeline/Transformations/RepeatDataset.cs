namespace Pipeline;

/// <summary><c>Repeat</c>: iterates its input <c>count</c> times (forever when null), each pass a new input epoch.</summary>
sealed class RepeatDataset<T>(Dataset<T> input, long? count) : UnaryDataset<T, T>(input)
{
    protected override PlanStep CreateStep()
    {
        var step = new PlanStep("Repeat", StepKind.Repeat);
        if (count is { } c) step.With("count", c, positional: true);
        return step;
    }

    public override long Cardinality()
    {
        var n = Input.Cardinality();
        if (count is null) return n == 0 ? 0 : Dataset.InfiniteCardinality;
        if (n < 0) return n;
        return n * count.Value;
    }

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        for (long pass = 0; count is null || pass < count; pass++)
        {
            var any = false;
            foreach (var x in Input.Read(context))
            {
                any = true;
                yield return x;
            }
            // An empty input repeated forever would spin without yielding; tf.data ends it too.
            if (!any) yield break;
        }
    }
}
