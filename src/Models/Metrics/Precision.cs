using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Keras's <c>Precision</c>: true positives / (true positives + false positives), predictions thresholded at <see cref="Thresholds"/>,
/// optionally among each sample's <see cref="TopK"/> highest only.</summary>
public sealed class Precision : Metric
{
    readonly ConfusionCounts _counts;

    /// <summary>Creates the metric.</summary>
    /// <param name="thresholds">A prediction above it counts as positive; null for Keras's default: 0.5, or with
    /// <paramref name="topK"/> every top-k prediction.</param>
    /// <param name="topK">Only the k highest predictions of each sample (over the last axis) can count as positive
    /// (Keras's <c>top_k</c>); null for all.</param>
    /// <param name="classId">Only this class column counts (multi-class outputs); all elements when null.</param>
    /// <param name="name">Name in logs.</param>
    public Precision(double? thresholds = null, int? topK = null, int? classId = null, string? name = "precision") : base(name)
    {
        Thresholds = ConfusionCounts.Threshold(thresholds, topK, nameof(thresholds), nameof(topK));
        (InitThresholds, TopK, ClassId) = (thresholds, topK, classId);
        _counts = new ConfusionCounts([Thresholds]);
    }

    /// <summary>A prediction above it counts as positive (Keras's -1e10 when only <see cref="TopK"/> decides).</summary>
    public double Thresholds { get; }

    /// <summary>The thresholds as given (null for the default), as the config keeps them.</summary>
    double? InitThresholds { get; }

    /// <summary>How many of each sample's highest predictions can count as positive, or null for all.</summary>
    public int? TopK { get; }

    /// <summary>The class column scored, or null for all elements.</summary>
    public int? ClassId { get; }

    /// <inheritdoc />
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        _counts.Update(Name, yTrue, yPred, sampleWeight, ClassId, TopK);
    }

    /// <inheritdoc />
    public override double Result() => ConfusionCounts.DivideNoNan(_counts.TruePositives[0], _counts.TruePositives[0] + _counts.FalsePositives[0]);

    /// <inheritdoc />
    public override void ResetState() => _counts.Reset();

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?>(base.GetConfig()) { ["thresholds"] = InitThresholds, ["top_k"] = TopK, ["class_id"] = ClassId };

    private protected override Metric WithName(string name) => new Precision(InitThresholds, TopK, ClassId, name);
}
