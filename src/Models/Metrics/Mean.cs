using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>
/// Keras's <c>Mean</c>: the (weighted) mean of every value passed to <see cref="UpdateState(Tensor, Tensor?)"/>, e.g. a
/// running training loss in a hand-written loop.
/// </summary>
public sealed class Mean : Metric
{
    readonly WeightedMean _state = new();

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Name in logs.</param>
    public Mean(string? name = "mean") : base(name) { }

    /// <summary>Adds <paramref name="values"/> (any shape), each weighted by <paramref name="sampleWeight"/> (broadcast) when given.</summary>
    /// <param name="values">Values to average.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    public void UpdateState(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        _state.Add(values, sampleWeight);
    }

    /// <summary>Adds one number (e.g. a loss already read with <c>item()</c>).</summary>
    /// <param name="value">The value.</param>
    /// <param name="weight">Its weight.</param>
    public void UpdateState(double value, double weight = 1)
    {
        _state.Add(value, weight);
    }

    /// <summary>Not for <see cref="Mean"/>: it averages values, use <see cref="UpdateState(Tensor, Tensor?)"/>.</summary>
    /// <param name="yTrue">Unused.</param>
    /// <param name="yPred">Unused.</param>
    /// <param name="sampleWeight">Unused.</param>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) =>
        throw new NotSupportedException($"Metric '{Name}' ({GetType().Name}) averages values: call UpdateState(values, sampleWeight), not UpdateState(yTrue, yPred).");

    /// <inheritdoc />
    public override double Result() => _state.Result;

    /// <inheritdoc />
    public override void ResetState() => _state.Reset();

    private protected override Metric WithName(string name) => new Mean(name);
}
