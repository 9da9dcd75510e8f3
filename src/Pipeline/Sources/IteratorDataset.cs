namespace Pipeline;

/// <summary>A source defined by a plan step and an iterator function (Counter, Random, FromTensors, window datasets).</summary>
sealed class IteratorDataset<T>(PlanStep step, Func<IterationContext, IEnumerable<T>> iterate, long cardinality) : Dataset<T>
{
    public override PlanStep Step => step;

    public override long Cardinality() => cardinality;

    protected override IEnumerable<T> Iterate(IterationContext context) => iterate(context);
}
