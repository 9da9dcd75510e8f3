namespace Pipeline;

/// <summary><c>FlatMap</c>: maps each element to a dataset and yields that dataset's elements in order.</summary>
sealed class FlatMapDataset<TIn, TOut>(Dataset<TIn> input, Func<TIn, Dataset<TOut>> function, string functionName, StepTraits traits = StepTraits.None) : UnaryDataset<TIn, TOut>(input)
{
    protected override PlanStep CreateStep() => new PlanStep("FlatMap", StepKind.FlatMap, traits).With("function", functionName, positional: true);

    protected override IEnumerable<TOut> Iterate(IterationContext context)
    {
        long index = 0;
        foreach (var x in Input.Read(context))
        {
            var inner = Interleaving.Open(function, x, index++, Stage);
            foreach (var y in inner.Read(context)) yield return y;
        }
    }
}
