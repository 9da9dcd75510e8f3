namespace Pipeline;

/// <summary>Base of the built-in transformations that read one input dataset.</summary>
abstract class UnaryDataset<TIn, TOut>(Dataset<TIn> input) : Dataset<TOut>
{
    readonly IReadOnlyList<IDataset> _inputs = [input];
    PlanStep? _step;

    internal Dataset<TIn> Input { get; } = input;

    public sealed override IReadOnlyList<IDataset> Inputs => _inputs;

    public sealed override PlanStep Step => _step ??= CreateStep();

    protected abstract PlanStep CreateStep();

    /// <summary>The step as the plan prints it, for error messages.</summary>
    protected string Stage => Step.ToString();
}
