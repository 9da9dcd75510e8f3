using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>
/// Keras's <c>MeanMetricWrapper</c>: the weighted mean of a per-sample function of labels and predictions (the
/// accuracy metrics are built on it). Pass a function, or subclass and override <see cref="Values"/>.
/// </summary>
public class MeanMetricWrapper : Metric
{
    readonly Func<Tensor, Tensor, Tensor>? _fn;
    readonly WeightedMean _state = new();

    /// <summary>Wraps <paramref name="fn"/>, a function of (yTrue, yPred) returning one value per sample.</summary>
    /// <param name="fn">The per-sample function.</param>
    /// <param name="name">Name in logs.</param>
    public MeanMetricWrapper(Func<Tensor, Tensor, Tensor> fn, string name) : base(name)
    {
        ArgumentNullException.ThrowIfNull(fn);
        _fn = fn;
    }

    /// <summary>For subclasses that override <see cref="Values"/>.</summary>
    /// <param name="name">Name in logs.</param>
    protected MeanMetricWrapper(string? name) : base(name) { }

    /// <summary>Adds the per-sample values of one batch, weighted by <paramref name="sampleWeight"/>.</summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional per-sample weights.</param>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var labels = yTrue.device == yPred.device ? yTrue : yTrue.to(yPred.device);
        _state.Add(Values(labels, yPred), sampleWeight);
    }

    /// <inheritdoc />
    public override double Result() => _state.Result;

    /// <inheritdoc />
    public override void ResetState() => _state.Reset();

    /// <summary>The per-sample values averaged by this metric.</summary>
    /// <param name="yTrue">Labels, on the predictions' device.</param>
    /// <param name="yPred">Predictions.</param>
    protected virtual Tensor Values(Tensor yTrue, Tensor yPred) =>
        _fn is null ? throw new InvalidOperationException($"{GetType().Name} must override Values or be given a function.") : _fn(yTrue, yPred);

    private protected override Metric WithName(string name) =>
        _fn is null ? this : new MeanMetricWrapper(_fn, name);
}
