using static TorchSharp.torch;

namespace Pipeline.Models.Metrics;

/// <summary>
/// A Keras metric (<c>keras.metrics.Metric</c>): state accumulated over batches with <see cref="UpdateState"/>, read
/// with <see cref="Result"/>, cleared with <see cref="ResetState"/>, in a hand-written loop or through
/// <c>Compile(metrics: [...])</c>. State lives on the host, so a metric holds no native memory.
/// </summary>
public abstract class Metric
{
    static readonly Dictionary<string, Func<Metric>> ByName = new(StringComparer.Ordinal)
    {
        ["accuracy"] = () => new Accuracy(),
        ["acc"] = () => new Accuracy(),
        ["binary_accuracy"] = () => new BinaryAccuracy(),
        ["categorical_accuracy"] = () => new CategoricalAccuracy(),
        ["sparse_categorical_accuracy"] = () => new SparseCategoricalAccuracy(),
        ["top_k_categorical_accuracy"] = () => new TopKCategoricalAccuracy(),
        ["sparse_top_k_categorical_accuracy"] = () => new SparseTopKCategoricalAccuracy(),
        ["precision"] = () => new Precision(),
        ["recall"] = () => new Recall(),
        ["auc"] = () => new AUC(),
        ["mean_squared_error"] = () => new MeanSquaredError(),
        ["mse"] = () => new MeanSquaredError(),
        ["mean_absolute_error"] = () => new MeanAbsoluteError(),
        ["mae"] = () => new MeanAbsoluteError(),
        ["root_mean_squared_error"] = () => new RootMeanSquaredError(),
        ["mean"] = () => new Mean(),
        ["sum"] = () => new Sum(),
    };

    /// <summary>Creates a metric.</summary>
    /// <param name="name">Name in logs and history; Keras's snake-case class name when null.</param>
    protected Metric(string? name)
    {
        if (name is not null && string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A metric name must not be empty.", nameof(name));
        Name = name ?? Naming.ToSnakeCase(GetType().Name);
    }

    /// <summary>The metric's name, the key in logs and <c>History</c>.</summary>
    public string Name { get; }

    /// <summary>Accumulates one batch (Keras's <c>update_state(y_true, y_pred, sample_weight)</c>).</summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional per-sample weights.</param>
    public abstract void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null);

    /// <summary>The metric's value over everything accumulated since the last reset (Keras's <c>result()</c>).</summary>
    public abstract double Result();

    /// <summary>Clears the state (Keras's <c>reset_state()</c>), e.g. at the start of an epoch.</summary>
    public abstract void ResetState();

    /// <summary>The constructor arguments as Keras names them.</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["name"] = Name };

    /// <summary>Keras's metric by name ("accuracy", "sparse_categorical_accuracy", "precision", "auc", ...), with Keras's defaults.</summary>
    /// <param name="name">Snake-case name or class name, case-insensitive.</param>
    /// <exception cref="ArgumentException">Not a metric name (parameter <c>metrics</c>).</exception>
    public static Metric Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name, "metrics");
        var key = name.Trim();
        if (ByName.TryGetValue(key.ToLowerInvariant(), out var create) || ByName.TryGetValue(Naming.ToSnakeCase(key), out create)) return create();
        throw new ArgumentException($"Unknown metric function: '{name}'. Expected one of: {string.Join(", ", ByName.Keys)}.", "metrics");
    }

    /// <summary>A metric object from its Keras name: <c>Metric auc = "auc";</c> (Compile takes the names themselves).</summary>
    /// <param name="name">The metric's name.</param>
    public static implicit operator Metric(string name) => Get(name);

    /// <summary>
    /// The metric <c>Compile</c> uses for <paramref name="name"/>, named as the user spelled it. "accuracy"/"acc" become
    /// the variant that fits the loss, as in Keras: binary accuracy for binary cross-entropy, sparse categorical
    /// accuracy for sparse labels, categorical accuracy for the other cross-entropies.
    /// </summary>
    internal static Metric ForCompile(string name, Losses.Loss loss)
    {
        ArgumentNullException.ThrowIfNull(name, "metrics");
        var key = name.Trim().ToLowerInvariant();
        if (key is "accuracy" or "acc")
        {
            return loss switch
            {
                Losses.BinaryCrossentropy => new BinaryAccuracy(name: name),
                _ when loss.SparseLabels => new SparseCategoricalAccuracy(name: name),
                Losses.CategoricalCrossentropy => new CategoricalAccuracy(name: name),
                _ => new Accuracy(name: name),
            };
        }
        var metric = Get(name);
        return metric.Name == name ? metric : metric.WithName(name);
    }

    /// <summary>A fresh copy of this metric under another name (for names spelled differently from Keras's default).</summary>
    private protected virtual Metric WithName(string name) => this;

    private protected static double Item(Tensor scalar) => scalar.to_type(ScalarType.Float64).item<double>();
}
