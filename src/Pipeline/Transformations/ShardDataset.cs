namespace Pipeline;

/// <summary><c>Shard</c>: every <c>numShards</c>-th element starting at <c>index</c>.</summary>
sealed class ShardDataset<T>(Dataset<T> input, long numShards, long index) : UnaryDataset<T, T>(input)
{
    protected override PlanStep CreateStep() => new PlanStep("Shard", StepKind.Slice).With("numShards", numShards, positional: true).With("index", index, positional: true);

    public override long Cardinality()
    {
        var n = Input.Cardinality();
        if (n < 0) return n;
        return n / numShards + (index < n % numShards ? 1 : 0);
    }

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        long i = 0;
        foreach (var x in Input.Read(context))
        {
            if (i++ % numShards == index) yield return x;
            else Elements.Dispose(x);
        }
    }
}
