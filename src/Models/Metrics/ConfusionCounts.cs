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

    internal void Update(string metric, Tensor yTrue, Tensor yPred, Tensor? sampleWeight, int? classId)
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
