using Pipeline.Models.Metrics;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// Keras's <c>top_k</c> on Precision and Recall (metrics_utils._filter_top_k): only each sample's k highest predictions
/// can count as positive; without thresholds every one of them does. Expected values counted by hand below.
/// </summary>
public class PrecisionRecallTopKTests
{
    // Row 0: top 2 are columns 1 (0.5, label 1) and 2 (0.3, label 0); column 3 (label 1) is outside.
    // Row 1: top 2 are columns 0 (0.6, label 0) and 2 (0.25, label 1).
    static readonly float[] Predictions = [0.1f, 0.5f, 0.3f, 0.2f, 0.6f, 0.05f, 0.25f, 0.1f];
    static readonly float[] Labels = [0, 1, 0, 1, 0, 0, 1, 0];

    static double Score(Metric metric, float[]? weights = null)
    {
        using var scope = NewDisposeScope();
        metric.UpdateState(tensor(Labels).reshape(2, 4), tensor(Predictions).reshape(2, 4), weights is null ? null : tensor(weights));
        return metric.Result();
    }

    [Fact]
    public void Top_k_alone_counts_each_samples_k_highest_as_positive()
    {
        // Positives predicted: (0,1) TP, (0,2) FP, (1,0) FP, (1,2) TP; actual positives 3.
        Assert.Equal(2.0 / 4, Score(new Precision(topK: 2)), 6);
        Assert.Equal(2.0 / 3, Score(new Recall(topK: 2)), 6);
        // k = 1: (0,1) TP, (1,0) FP.
        Assert.Equal(1.0 / 2, Score(new Precision(topK: 1)), 6);
        Assert.Equal(1.0 / 3, Score(new Recall(topK: 1)), 6);
        // Without top_k the default threshold 0.5 applies: only 0.6 is above it, a false positive.
        Assert.Equal(0.0, Score(new Precision()), 6);
    }

    [Fact]
    public void Top_k_with_a_threshold_and_with_a_class_id()
    {
        // Threshold 0.28 among the top 2: (0,1) 0.5 TP, (0,2) 0.3 FP, (1,0) 0.6 FP; (1,2) 0.25 is below.
        Assert.Equal(1.0 / 3, Score(new Precision(thresholds: 0.28, topK: 2)), 6);
        Assert.Equal(1.0 / 3, Score(new Recall(thresholds: 0.28, topK: 2)), 6);
        // Column 3 with top 3: row 0's 0.2 is third (positive, label 1: TP); row 1's 0.1 is third too (0.1 beats 0.05): FP.
        Assert.Equal(1.0 / 2, Score(new Precision(topK: 3, classId: 3)), 6);
        Assert.Equal(1.0, Score(new Recall(topK: 3, classId: 3)), 6);
        // Column 3 with top 2: never in the top 2, so nothing is predicted positive.
        Assert.Equal(0.0, Score(new Recall(topK: 2, classId: 3)), 6);
        // Sample weights weigh each sample's counts: row 1 counted 3 times -> TP 1 + 3, FP 1 + 3.
        Assert.Equal(4.0 / 8, Score(new Precision(topK: 2), [1, 3]), 6);
        Assert.Equal(4.0 / 5, Score(new Recall(topK: 2), [1, 3]), 6);
    }

    [Fact]
    public void Top_k_is_in_the_config_and_bad_values_are_refused()
    {
        var config = new Precision(topK: 2, classId: 1).GetConfig();
        Assert.Equal(2, config["top_k"]);
        Assert.Null(config["thresholds"]);
        Assert.Equal(1, config["class_id"]);
        Assert.Equal(0.5, new Recall().Thresholds);
        Assert.Equal(-1e10, new Recall(topK: 1).Thresholds);
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => new Precision(topK: 0));
        Assert.Contains("topK=0", zero.Message);
        var large = Assert.Throws<ArgumentException>(() => Score(new Recall(topK: 5)));
        Assert.Contains("topK=5", large.Message);
        Assert.Contains("(2, 4)", large.Message);
    }
}
