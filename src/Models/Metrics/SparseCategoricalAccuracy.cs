using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Keras's <c>SparseCategoricalAccuracy</c>: how often argmax of the predictions equals the integer label.</summary>
public sealed class SparseCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Name in logs.</param>
    public SparseCategoricalAccuracy(string? name = "sparse_categorical_accuracy") : base(name) { }


    /// <inheritdoc />
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        return SparseLabels.Check(Name, yTrue, yPred).eq(yPred.argmax(-1)).to_type(ScalarType.Float32);
    }

    private protected override Metric WithName(string name) => new SparseCategoricalAccuracy(name: name);
}
