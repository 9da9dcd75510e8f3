using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>
/// Keras's <c>metrics.RootMeanSquaredError</c>: the square root of the mean squared difference over everything seen
/// since the last reset (the root of the running mean, not a mean of per-batch roots).
/// </summary>
public sealed class RootMeanSquaredError : MeanMetricWrapper
{
    static readonly Losses.MeanSquaredError PerSampleLoss = new();

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Name in logs.</param>
    public RootMeanSquaredError(string? name = "root_mean_squared_error") : base(name) { }

    /// <inheritdoc />
    protected override Tensor Values(Tensor yTrue, Tensor yPred) => PerSampleLoss.PerSample(yTrue, yPred);

    /// <inheritdoc />
    public override double Result() => Math.Sqrt(base.Result());

    private protected override Metric WithName(string name) => new RootMeanSquaredError(name);
}
