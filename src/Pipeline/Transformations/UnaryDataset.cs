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

    /// <summary>Steps that pass elements on unchanged (Filter, Shuffle, Take, Cache, ...) have their input's spec.</summary>
    internal override ElementSpec? InferElementSpec() =>
        typeof(TIn) == typeof(TOut) && (Step.Kind is StepKind.Filter or StepKind.Shuffle or StepKind.Repeat or StepKind.Prefetch or StepKind.Cache or StepKind.Slice || Step.Name == "WithOptions")
            ? Input.InferElementSpec()
            : base.InferElementSpec();

    /// <summary>The step as the plan prints it, for error messages.</summary>
    protected string Stage => Step.ToString();
}
