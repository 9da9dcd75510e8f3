namespace Pipeline;

/// <summary><c>Zip</c>: pairs the i-th elements of two datasets; ends with the shorter one.</summary>
sealed class ZipDataset<T1, T2>(Dataset<T1> first, Dataset<T2> second) : Dataset<(T1, T2)>
{
    readonly IReadOnlyList<IDataset> _inputs = [first, second];
    PlanStep? _step;

    public override PlanStep Step => _step ??= new PlanStep("Zip", StepKind.Combine).With("other", second.ToString(), positional: true).WithBranches([second.Plan]);

    public override IReadOnlyList<IDataset> Inputs => _inputs;

    public override long Cardinality() => Combine.MinCardinality(first.Cardinality(), second.Cardinality());

    protected override IEnumerable<(T1, T2)> Iterate(IterationContext context)
    {
        using var a = first.Read(context).GetEnumerator();
        using var b = second.Read(context).GetEnumerator();
        while (a.MoveNext())
        {
            if (!b.MoveNext())
            {
                Elements.Dispose(a.Current);
                yield break;
            }
            yield return (a.Current, b.Current);
        }
    }
}
