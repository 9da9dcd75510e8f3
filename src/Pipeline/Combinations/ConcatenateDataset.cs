namespace Pipeline;

/// <summary><c>Concatenate</c>: all of the first dataset, then all of the second.</summary>
sealed class ConcatenateDataset<T>(Dataset<T> first, Dataset<T> second) : Dataset<T>
{
    readonly IReadOnlyList<IDataset> _inputs = [first, second];
    PlanStep? _step;

    public override PlanStep Step => _step ??= new PlanStep("Concatenate", StepKind.Combine).With("other", second.ToString(), positional: true).WithBranches([second.Plan]);

    public override IReadOnlyList<IDataset> Inputs => _inputs;

    public override long Cardinality() => Combine.SumCardinality(first.Cardinality(), second.Cardinality());

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        foreach (var x in first.Read(context)) yield return x;
        foreach (var x in second.Read(context)) yield return x;
    }
}
