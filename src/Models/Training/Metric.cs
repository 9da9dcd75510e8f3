using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>A Keras metric resolved from its name; accumulates a sample-weighted mean over an epoch.</summary>
internal sealed class Metric
{
    static readonly string[] KnownNames = ["accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy"];

    readonly bool _sparse;
    double _sum;
    long _count;

    Metric(string name, bool sparse)
    {
        Name = name;
        _sparse = sparse;
    }

    /// <summary>The name shown in logs and history (as the user spelled it, like Keras).</summary>
    public string Name { get; }

    public double Result => _count == 0 ? 0 : _sum / _count;

    public void Reset() => (_sum, _count) = (0, 0);

    /// <summary>Adds one batch. Argmax works on probabilities and logits alike.</summary>
    public void Update(Tensor output, Tensor labels)
    {
        using var predicted = output.argmax(-1);
        using var truth = _sparse ? labels.reshape(predicted.shape).to_type(ScalarType.Int64) : labels.argmax(-1);
        using var hits = predicted.eq(truth).sum();
        _sum += hits.item<long>();
        _count += predicted.numel();
    }

    /// <summary>Resolves <paramref name="name"/>; "accuracy" picks sparse or categorical accuracy from the loss, as Keras does.</summary>
    public static Metric Create(string name, bool sparseLabels)
    {
        ArgumentNullException.ThrowIfNull(name, "metrics");
        return name.Trim().ToLowerInvariant() switch
        {
            "accuracy" or "acc" => new Metric(name, sparseLabels),
            "sparse_categorical_accuracy" => new Metric(name, sparse: true),
            "categorical_accuracy" => new Metric(name, sparse: false),
            _ => throw new ArgumentException(
                $"Unknown metric function: '{name}'. Expected one of: {string.Join(", ", KnownNames)}.", "metrics"),
        };
    }

    internal static void Validate(string name) => Create(name, sparseLabels: true);
}
