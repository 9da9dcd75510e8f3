namespace Pipeline;

/// <summary><c>Take</c>: the first <c>count</c> elements (all when count is -1); stops reading its input after them.</summary>
sealed class TakeDataset<T>(Dataset<T> input, long count) : UnaryDataset<T, T>(input)
{
    protected override PlanStep CreateStep() => new PlanStep("Take", StepKind.Slice).With("count", count, positional: true);

    public override long Cardinality()
    {
        var n = Input.Cardinality();
        if (count < 0) return n;
        if (n == Dataset.InfiniteCardinality) return count;
        return n < 0 ? Dataset.UnknownCardinality : Math.Min(n, count);
    }

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        if (count == 0) yield break;
        long taken = 0;
        foreach (var x in Input.Read(context))
        {
            yield return x;
            if (count >= 0 && ++taken >= count) yield break;
        }
    }
}
