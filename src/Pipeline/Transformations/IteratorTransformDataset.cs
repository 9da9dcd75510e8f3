namespace Pipeline;

/// <summary>A transformation defined by a plan step and an iterator over its input (Scan, Unique, GroupByWindow, IgnoreErrors).</summary>
sealed class IteratorTransformDataset<TIn, TOut>(Dataset<TIn> input, PlanStep step, Func<Dataset<TIn>, IterationContext, IEnumerable<TOut>> iterate,
    Func<long, long>? cardinality = null) : UnaryDataset<TIn, TOut>(input)
{
    protected override PlanStep CreateStep() => step;

    public override long Cardinality() => cardinality is null ? Dataset.UnknownCardinality : cardinality(Input.Cardinality());

    protected override IEnumerable<TOut> Iterate(IterationContext context) => iterate(Input, context);
}
