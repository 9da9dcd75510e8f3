namespace Pipeline;

/// <summary><c>WithOptions</c>: sets the options every step upstream runs under.</summary>
sealed class OptionsDataset<T>(Dataset<T> input, DatasetOptions options) : UnaryDataset<T, T>(input)
{
    protected override PlanStep CreateStep()
    {
        var step = new PlanStep("WithOptions", StepKind.Other);
        if (!options.Deterministic) step.With("deterministic", false);
        if (options.ThreadPoolSize != Dataset.Autotune) step.With("threadPoolSize", options.ThreadPoolSize);
        return step;
    }

    public override DatasetOptions? Options => options;

    public override long Cardinality() => Input.Cardinality();

    protected override IEnumerable<T> Iterate(IterationContext context) =>
        Input.Read(context.WithOptions(options));

    protected override IAsyncEnumerable<T> IterateAsync(IterationContext context) =>
        Input.ReadAsync(context.WithOptions(options));
}
