using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Keras's <c>CategoricalAccuracy</c>: how often argmax of the predictions equals argmax of the one-hot labels.</summary>
public sealed class CategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Name in logs.</param>
    public CategoricalAccuracy(string? name = "categorical_accuracy") : base(name) { }


    /// <inheritdoc />
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        if (!yTrue.shape.SequenceEqual(yPred.shape))
            throw new ArgumentException(
                $"{Name}: labels (y_true) must be one-hot with the predictions' shape; received y_true.shape=({string.Join(", ", yTrue.shape)}), " +
                $"y_pred.shape=({string.Join(", ", yPred.shape)}). Integer class labels need sparse_categorical_accuracy.");
        return yTrue.argmax(-1).eq(yPred.argmax(-1)).to_type(ScalarType.Float32);
    }

    private protected override Metric WithName(string name) => new CategoricalAccuracy(name: name);
}
