using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>
/// Keras's <c>metrics.MeanSquaredError</c> ("mse" in <c>Compile</c>): the mean over samples of each sample's mean squared
/// difference, computed by the loss of the same name so that the metric and the loss can never disagree.
/// </summary>
public sealed class MeanSquaredError : MeanMetricWrapper
{
    static readonly Losses.MeanSquaredError PerSampleLoss = new();

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Name in logs.</param>
    public MeanSquaredError(string? name = "mean_squared_error") : base(name) { }

    /// <inheritdoc />
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => PerSampleLoss.PerSample(yTrue, yPred);

    private protected override Metric WithName(string name) => new MeanSquaredError(name);
}
