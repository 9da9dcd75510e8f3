using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Keras's <c>Accuracy</c>: how often predictions equal labels exactly (elementwise; labels and predictions of one shape).</summary>
public sealed class Accuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Name in logs.</param>
    public Accuracy(string? name = "accuracy") : base(name) { }


    /// <inheritdoc />
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        var (t, p) = Losses.Loss.SameRank(yTrue, yPred);
        return t.to_type(p.dtype).eq(p).to_type(ScalarType.Float32);
    }

    private protected override Metric WithName(string name) => new Accuracy(name: name);
}
