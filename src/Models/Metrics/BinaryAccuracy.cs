using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Keras's <c>BinaryAccuracy</c>: how often <c>yPred &gt; threshold</c> equals the 0/1 label (elementwise).</summary>
public sealed class BinaryAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="threshold">Predictions above it count as 1.</param>
    /// <param name="name">Name in logs.</param>
    public BinaryAccuracy(double threshold = 0.5, string? name = "binary_accuracy") : base(name) => Threshold = threshold;

    /// <summary>Predictions above it count as 1.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig()) { ["threshold"] = Threshold };

    /// <inheritdoc />
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var (t, p) = Losses.Loss.SameRank(yTrue, yPred);
        using var threshold = Threshold.ToScalar();
        return p.gt(threshold).to_type(ScalarType.Float32).eq(t.to_type(ScalarType.Float32)).to_type(ScalarType.Float32);
    }

    private protected override Metric WithName(string name) => new BinaryAccuracy(Threshold, name: name);
}
