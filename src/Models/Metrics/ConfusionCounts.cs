using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>
/// Keras's update_confusion_matrix_variables: weighted true/false positive/negative counts per threshold, a prediction
/// counting as positive when it is above the threshold and a label as positive when it is non-zero. Inputs are flattened
/// (or one class column with classId). Counts are float64 on the host.
/// </summary>
internal sealed class ConfusionCounts
{
    readonly double[] _thresholds;

    internal ConfusionCounts(double[] thresholds)
    {
        _thresholds = thresholds;
        TruePositives = new double[thresholds.Length];
        FalsePositives = new double[thresholds.Length];
        TrueNegatives = new double[thresholds.Length];
        FalseNegatives = new double[thresholds.Length];
    }

    internal double[] TruePositives { get; }
    internal double[] FalsePositives { get; }
    internal double[] TrueNegatives { get; }
    internal double[] FalseNegatives { get; }

    internal void Reset()
    {
        Array.Clear(TruePositives);
        Array.Clear(FalsePositives);
        Array.Clear(TrueNegatives);
        Array.Clear(FalseNegatives);
    }

    /// <summary>Keras's NEG_INF: the threshold when only top_k decides, and the score given to predictions outside the top k.</summary>
    internal const double NegativeInfinity = -1e10;

    // Held: a temporary Scalar may be finalized during the native call (see Training.Scalars).
    static readonly Scalar NegativeInfinityScalar = NegativeInfinity.ToScalar();

    /// <summary>Keras's default and checks for Precision's and Recall's thresholds and top_k.</summary>
    internal static double Threshold(double? thresholds, int? topK, string thresholdsArgument, string topKArgument)
    {
        if (topK is <= 0)
            throw new ArgumentOutOfRangeException(topKArgument, topK, $"Invalid value for argument `{topKArgument}`. Expected a strictly positive value. Received {topKArgument}={topK}.");
        if (thresholds is double t && !(t >= 0 && t <= 1))
            throw new ArgumentOutOfRangeException(thresholdsArgument, t, $"Threshold values must be in [0, 1]. Received: {thresholdsArgument}={t}.");
        return thresholds ?? (topK is null ? 0.5 : NegativeInfinity);
    }

    internal void Update(string metric, Tensor yTrue, Tensor yPred, Tensor? sampleWeight, int? classId, int? topK = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (t, p) = Losses.Loss.SameRank(yTrue.to(yPred.device), yPred);
        if (!t.shape.SequenceEqual(p.shape))
            throw new ArgumentException(
                $"{metric}: labels (y_true) and predictions (y_pred) must have the same shape. Received: y_true.shape=({string.Join(", ", yTrue.shape)}), " +
                $"y_pred.shape=({string.Join(", ", yPred.shape)}).");
        Tensor? w = null;
        if (sampleWeight is not null)
        {
            w = sampleWeight.to(p.device).to_type(ScalarType.Float64);
            (_, w) = Losses.Loss.SameRank(p, w);
            w = w.expand_as(p);
        }
        if (topK is int k)
        {
            // Keras's _filter_top_k: outside each sample's k highest, the prediction becomes NEG_INF (never positive).
            if (k > p.shape[^1])
                throw new ArgumentException($"{metric}: topK={k} is larger than the last axis of y_pred.shape=({string.Join(", ", yPred.shape)}).");
            var top = p.topk(k, dim: -1).indexes;
            var keep = zeros_like(p, ScalarType.Bool).scatter_(-1, top, ones_like(top, ScalarType.Bool));
            p = p.to_type(ScalarType.Float64).masked_fill(keep.logical_not(), NegativeInfinityScalar);
        }
        if (classId is int c)
        {
            t = t.select(-1, c);
            p = p.select(-1, c);
            w = w?.select(-1, c);
        }
        var labels = t.ne(Training.Scalars.Zero).reshape(1, -1);
        var predictions = p.to_type(ScalarType.Float64).reshape(1, -1);
        var weights = w?.reshape(1, -1) ?? ones_like(predictions);
        var thresholds = tensor(_thresholds, ScalarType.Float64, p.device).reshape(-1, 1);
        var predictedPositive = predictions.gt(thresholds);                 // (thresholds, n)
        var positive = labels.expand_as(predictedPositive);
        Add(TruePositives, predictedPositive.logical_and(positive), weights);
        Add(FalsePositives, predictedPositive.logical_and(positive.logical_not()), weights);
        Add(FalseNegatives, predictedPositive.logical_not().logical_and(positive), weights);
        Add(TrueNegatives, predictedPositive.logical_not().logical_and(positive.logical_not()), weights);
    }

    static void Add(double[] counts, Tensor mask, Tensor weights)
    {
        var sums = mask.to_type(ScalarType.Float64).mul(weights).sum(1).cpu();
        var values = sums.data<double>().ToArray();
        for (int i = 0; i < counts.Length; i++) counts[i] += values[i];
    }

    internal static double DivideNoNan(double a, double b) => b == 0 ? 0 : a / b;
}
