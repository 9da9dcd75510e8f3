using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>Keras's <c>SparseTopKCategoricalAccuracy</c>: how often the integer label is among the k highest predictions.</summary>
public sealed class SparseTopKCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="k">How many top predictions count.</param>
    /// <param name="name">Name in logs.</param>
    public SparseTopKCategoricalAccuracy(int k = 5, string? name = "sparse_top_k_categorical_accuracy") : base(name) => K = k > 0 ? k : throw new ArgumentOutOfRangeException(nameof(k), k, "k must be positive.");

    /// <summary>How many top predictions count.</summary>
    public int K { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig()) { ["k"] = K };

    /// <inheritdoc />
    protected override Tensor Values(Tensor yTrue, Tensor yPred)
    {
        return SparseLabels.InTopK(SparseLabels.Check(Name, yTrue, yPred), yPred, K);
    }

    private protected override Metric WithName(string name) => new SparseTopKCategoricalAccuracy(K, name: name);
}
