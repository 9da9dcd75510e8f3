using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Keras's <c>TopKCategoricalAccuracy</c>: how often the one-hot label's class is among the k highest predictions.</summary>
public sealed class TopKCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="k">How many top predictions count.</param>
    /// <param name="name">Name in logs.</param>
    public TopKCategoricalAccuracy(int k = 5, string? name = "top_k_categorical_accuracy") : base(name) => K = k > 0 ? k : throw new ArgumentOutOfRangeException(nameof(k), k, "k must be positive.");

    /// <summary>How many top predictions count.</summary>
    public int K { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig()) { ["k"] = K };

    /// <inheritdoc />
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        if (!yTrue.shape.SequenceEqual(yPred.shape))
            throw new ArgumentException(
                $"{Name}: labels (y_true) must be one-hot with the predictions' shape; received y_true.shape=({string.Join(", ", yTrue.shape)}), " +
                $"y_pred.shape=({string.Join(", ", yPred.shape)}). Integer class labels need sparse_top_k_categorical_accuracy.");
        return SparseLabels.InTopK(yTrue.argmax(-1), yPred, K);
    }

    private protected override Metric WithName(string name) => new TopKCategoricalAccuracy(K, name: name);
}
