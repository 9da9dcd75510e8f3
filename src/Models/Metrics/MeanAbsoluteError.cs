using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>
/// Keras's <c>metrics.MeanAbsoluteError</c> ("mae" in <c>Compile</c>): the mean over samples of each sample's mean
/// absolute difference, computed by the loss of the same name.
/// </summary>
public sealed class MeanAbsoluteError : MeanMetricWrapper
{
    static readonly Losses.MeanAbsoluteError PerSampleLoss = new();

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Name in logs.</param>
    public MeanAbsoluteError(string? name = "mean_absolute_error") : base(name) { }

    /// <inheritdoc />
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => PerSampleLoss.PerSample(yTrue, yPred);

    private protected override Metric WithName(string name) => new MeanAbsoluteError(name);
}
