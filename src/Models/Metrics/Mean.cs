using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>
/// Keras's <c>Mean</c>: the (weighted) mean of every value passed to <see cref="UpdateState(Tensor, Tensor?)"/>, e.g. a
/// running training loss in a hand-written loop.
/// </summary>
public class Mean : Metric
{
    double _total, _count;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Name in logs.</param>
    public Mean(string? name = "mean") : base(name) { }

    /// <summary>Adds <paramref name="values"/> (any shape), each weighted by <paramref name="sampleWeight"/> (broadcast) when given.</summary>
    /// <param name="values">Values to average.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    public void UpdateState(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = NewDisposeScope();
        var (total, count) = WeightedSum(values, sampleWeight);
        _total += total;
        _count += count;
    }

    /// <summary>Adds one number (e.g. a loss already read with <c>item()</c>).</summary>
    /// <param name="value">The value.</param>
    /// <param name="weight">Its weight.</param>
    public void UpdateState(double value, double weight = 1)
    {
        _total += value * weight;
        _count += weight;
    }

    /// <summary>Not for <see cref="Mean"/>: it averages values, use <see cref="UpdateState(Tensor, Tensor?)"/>.</summary>
    /// <param name="yTrue">Unused.</param>
    /// <param name="yPred">Unused.</param>
    /// <param name="sampleWeight">Unused.</param>
    /// <exception cref="NotSupportedException">Always, unless a subclass compares labels and predictions.</exception>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) =>
        throw new NotSupportedException($"Metric '{Name}' ({GetType().Name}) averages values: call UpdateState(values, sampleWeight), not UpdateState(yTrue, yPred).");

    /// <inheritdoc />
    public override double Result() => _count == 0 ? 0 : _total / _count;

    /// <inheritdoc />
    public override void ResetState() => (_total, _count) = (0, 0);

    private protected override Metric WithName(string name) => GetType() == typeof(Mean) ? new Mean(name) : this;

    /// <summary>Sum of values·weights and sum of weights (the element count without weights), as Keras's Reduce metric.</summary>
    private protected static (double Total, double Count) WeightedSum(Tensor values, Tensor? sampleWeight)
    {
        var v = values.to_type(ScalarType.Float64);
        if (sampleWeight is null) return (Item(v.sum()), v.numel());
        var w = sampleWeight.to_type(ScalarType.Float64);
        if (w.device != v.device) w = w.to(v.device);
        (v, w) = Losses.Loss.SameRank(v, w);
        w = w.expand_as(v);
        return (Item(v.mul(w).sum()), Item(w.sum()));
    }
}
