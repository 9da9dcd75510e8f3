using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Keras's <c>Precision</c>: true positives / (true positives + false positives), predictions thresholded at <see cref="Thresholds"/>.</summary>
public sealed class Precision : Metric
{
    readonly ConfusionCounts _counts;

    /// <summary>Creates the metric.</summary>
    /// <param name="thresholds">A prediction above it counts as positive (Keras's default 0.5).</param>
    /// <param name="classId">Only this class column counts (multi-class outputs); all elements when null.</param>
    /// <param name="name">Name in logs.</param>
    public Precision(double thresholds = 0.5, int? classId = null, string? name = "precision") : base(name)
    {
        if (!(thresholds >= 0 && thresholds <= 1))
            throw new ArgumentOutOfRangeException(nameof(thresholds), thresholds, "Threshold values must be in [0, 1].");
        Thresholds = thresholds;
        ClassId = classId;
        _counts = new ConfusionCounts([thresholds]);
    }

    /// <summary>A prediction above it counts as positive.</summary>
    public double Thresholds { get; }

    /// <summary>The class column scored, or null for all elements.</summary>
    public int? ClassId { get; }

    /// <inheritdoc />
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        _counts.Update(Name, yTrue, yPred, sampleWeight, ClassId);
    }

    /// <inheritdoc />
    public override double Result() => ConfusionCounts.DivideNoNan(_counts.TruePositives[0], _counts.TruePositives[0] + _counts.FalsePositives[0]);

    /// <inheritdoc />
    public override void ResetState() => _counts.Reset();

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?>(base.GetConfig()) { ["thresholds"] = Thresholds, ["class_id"] = ClassId };

    private protected override Metric WithName(string name) => new Precision(Thresholds, ClassId, name);
}
