namespace Pipeline;

/// <summary><c>Enumerate</c>: pairs each element with its index, counting from <c>start</c>.</summary>
sealed class EnumerateDataset<T>(Dataset<T> input, long start) : UnaryDataset<T, (long, T)>(input)
{
    protected override PlanStep CreateStep()
    {
        var step = new PlanStep("Enumerate", StepKind.Other);
        if (start != 0) step.With("start", start, positional: true);
        return step;
    }

    public override long Cardinality() => Input.Cardinality();

    protected override IEnumerable<(long, T)> Iterate(IterationContext context)
    {
        var i = start;
        foreach (var x in Input.Read(context)) yield return (i++, x);
    }
}
