using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Keras's <c>Sum</c>: the (weighted) sum of every value passed to <see cref="UpdateState(Tensor, Tensor?)"/>.</summary>
public sealed class Sum : Metric
{
    double _total;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Name in logs.</param>
    public Sum(string? name = "sum") : base(name) { }

    /// <summary>Adds the sum of <paramref name="values"/> times <paramref name="sampleWeight"/> (broadcast) when given.</summary>
    /// <param name="values">Values to add.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    public void UpdateState(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = NewDisposeScope();
        var v = values.to_type(ScalarType.Float64);
        if (sampleWeight is not null)
        {
            var w = sampleWeight.to_type(ScalarType.Float64);
            if (w.device != v.device) w = w.to(v.device);
            (v, w) = Losses.Loss.SameRank(v, w);
            v = v.mul(w);
        }
        _total += Item(v.sum());
    }

    /// <summary>Not for <see cref="Sum"/>: use <see cref="UpdateState(Tensor, Tensor?)"/>.</summary>
    /// <param name="yTrue">Unused.</param>
    /// <param name="yPred">Unused.</param>
    /// <param name="sampleWeight">Unused.</param>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) =>
        throw new NotSupportedException($"Metric '{Name}' (Sum) adds values: call UpdateState(values, sampleWeight), not UpdateState(yTrue, yPred).");

    /// <inheritdoc />
    public override double Result() => _total;

    /// <inheritdoc />
    public override void ResetState() => _total = 0;

    private protected override Metric WithName(string name) => new Sum(name);
}
