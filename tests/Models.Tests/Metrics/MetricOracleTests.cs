using Pipeline.Models.Metrics;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>Precision, Recall and AUC against a numpy transcription of Keras 3's thresholded definitions (make_fixtures.py).</summary>
public class MetricOracleTests
{
    static readonly System.Text.Json.JsonElement Fixture = OracleJson.Load("Metrics", "metrics.json");

    static double Run(Metric metric)
    {
        using var scope = NewDisposeScope();
        var y = OracleJson.ToTensor(Fixture.GetProperty("y_true"));
        var p = OracleJson.ToTensor(Fixture.GetProperty("y_pred"));
        var w = OracleJson.ToTensor(Fixture.GetProperty("sample_weight"));
        // Two uneven batches: the state must accumulate, not average batch results.
        metric.UpdateState(y[..15], p[..15], w[..15]);
        metric.UpdateState(y[15..], p[15..], w[15..]);
        return metric.Result();
    }

    [Theory]
    [InlineData("precision")]
    [InlineData("recall")]
    [InlineData("precision_0.7")]
    [InlineData("recall_0.7")]
    [InlineData("auc_roc")]
    [InlineData("auc_roc_minoring")]
    [InlineData("auc_roc_majoring_50")]
    [InlineData("auc_pr")]
    [InlineData("auc_pr_minoring")]
    public void Weighted_two_batch_result_matches_the_reference(string key)
    {
        Metric metric = key switch
        {
            "precision" => new Precision(),
            "recall" => new Recall(),
            "precision_0.7" => new Precision(thresholds: 0.7),
            "recall_0.7" => new Recall(thresholds: 0.7),
            "auc_roc" => new AUC(),
            "auc_roc_minoring" => new AUC(summationMethod: "minoring"),
            "auc_roc_majoring_50" => new AUC(numThresholds: 50, summationMethod: "majoring"),
            "auc_pr" => new AUC(curve: "PR"),
            "auc_pr_minoring" => new AUC(curve: "PR", summationMethod: "minoring"),
            _ => throw new ArgumentException(key),
        };
        Assert.Equal(Fixture.GetProperty(key).GetDouble(), Run(metric), 5);
        metric.ResetState();
        Assert.Equal(0, metric.Result());
    }
}
