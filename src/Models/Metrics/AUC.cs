using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>
/// Keras's <c>AUC</c>: the area under the ROC or precision-recall curve, approximated from confusion counts at
/// <c>numThresholds</c> evenly spaced thresholds ((i + 1) / (numThresholds − 1) for i &lt; numThresholds − 2, plus −1e-7 and
/// 1 + 1e-7), summed with Keras's rules: trapezoids for ROC ("interpolation"), Davis and Goadrich's interpolation for PR,
/// or "minoring"/"majoring" rectangles. Predictions are expected in [0, 1].
/// </summary>
public sealed class AUC : Metric
{
    const double Epsilon = 1e-7;
    readonly ConfusionCounts _counts;

    /// <summary>Creates the metric.</summary>
    /// <param name="numThresholds">Number of thresholds, more than 1.</param>
    /// <param name="curve">"ROC" or "PR".</param>
    /// <param name="summationMethod">"interpolation", "minoring" or "majoring".</param>
    /// <param name="name">Name in logs.</param>
    public AUC(int numThresholds = 200, string curve = "ROC", string summationMethod = "interpolation", string? name = "auc") : base(name)
    {
        if (numThresholds <= 1)
            throw new ArgumentOutOfRangeException(nameof(numThresholds), numThresholds, $"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={numThresholds}");
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(summationMethod);
        Curve = curve.ToUpperInvariant() switch
        {
            "ROC" => "ROC",
            "PR" => "PR",
            _ => throw new ArgumentException($"Invalid AUC curve value: \"{curve}\". Expected values are [\"PR\", \"ROC\"]", nameof(curve)),
        };
        SummationMethod = summationMethod.ToLowerInvariant() switch
        {
            "interpolation" or "minoring" or "majoring" => summationMethod.ToLowerInvariant(),
            _ => throw new ArgumentException(
                $"Invalid AUC summation method value: \"{summationMethod}\". Expected values are [\"interpolation\", \"majoring\", \"minoring\"]", nameof(summationMethod)),
        };
        NumThresholds = numThresholds;
        var thresholds = new double[numThresholds];
        thresholds[0] = -Epsilon;
        for (int i = 0; i < numThresholds - 2; i++) thresholds[i + 1] = (i + 1) * 1.0 / (numThresholds - 1);
        thresholds[^1] = 1 + Epsilon;
        _counts = new ConfusionCounts(thresholds);
    }

    /// <summary>Number of thresholds.</summary>
    public int NumThresholds { get; }

    /// <summary>"ROC" or "PR".</summary>
    public string Curve { get; }

    /// <summary>"interpolation", "minoring" or "majoring".</summary>
    public string SummationMethod { get; }

    /// <inheritdoc />
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        _counts.Update(Name, yTrue, yPred, sampleWeight, classId: null);
    }

    /// <inheritdoc />
    public override double Result()
    {
        var tp = _counts.TruePositives;
        var fp = _counts.FalsePositives;
        var tn = _counts.TrueNegatives;
        var fn = _counts.FalseNegatives;
        int n = NumThresholds;
        if (Curve == "PR" && SummationMethod == "interpolation") return InterpolatePrAuc(tp, fp, fn);
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double recall = ConfusionCounts.DivideNoNan(tp[i], tp[i] + fn[i]);
            if (Curve == "ROC")
            {
                x[i] = ConfusionCounts.DivideNoNan(fp[i], fp[i] + tn[i]);
                y[i] = recall;
            }
            else
            {
                x[i] = recall;
                y[i] = ConfusionCounts.DivideNoNan(tp[i], tp[i] + fp[i]);
            }
        }
        double area = 0;
        for (int i = 0; i < n - 1; i++)
        {
            double height = SummationMethod switch
            {
                "interpolation" => (y[i] + y[i + 1]) / 2,
                "minoring" => Math.Min(y[i], y[i + 1]),
                _ => Math.Max(y[i], y[i + 1]),
            };
            area += (x[i] - x[i + 1]) * height;
        }
        return area;
    }

    /// <summary>Keras's interpolate_pr_auc (Davis and Goadrich 2006): precision interpolated along true positives.</summary>
    double InterpolatePrAuc(double[] tp, double[] fp, double[] fn)
    {
        double area = 0;
        for (int i = 0; i < NumThresholds - 1; i++)
        {
            double dtp = tp[i] - tp[i + 1];
            double pA = tp[i] + fp[i], pB = tp[i + 1] + fp[i + 1];
            double dp = pA - pB;
            double slope = ConfusionCounts.DivideNoNan(dtp, Math.Max(dp, 0));
            double intercept = tp[i + 1] - slope * pB;
            double ratio = pA > 0 && pB > 0 ? ConfusionCounts.DivideNoNan(pA, Math.Max(pB, 0)) : 1;
            area += ConfusionCounts.DivideNoNan(slope * (dtp + intercept * Math.Log(ratio)), Math.Max(tp[i + 1] + fn[i + 1], 0));
        }
        return area;
    }

    /// <inheritdoc />
    public override void ResetState() => _counts.Reset();

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["num_thresholds"] = NumThresholds,
        ["curve"] = Curve,
        ["summation_method"] = SummationMethod,
    };

    private protected override Metric WithName(string name) => new AUC(NumThresholds, Curve, SummationMethod, name);
}
