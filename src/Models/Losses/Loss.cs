using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>
/// A Keras loss (<c>keras.losses.Loss</c>). <see cref="Call"/> is Keras's <c>loss(y_true, y_pred, sample_weight)</c>:
/// per-sample losses from <see cref="PerSample"/>, weighted, then reduced (by default the mean over the batch,
/// Keras's "sum_over_batch_size"). Converts from Keras's names, so <c>Compile(loss: "sparse_categorical_crossentropy")</c>
/// works. Subclass it and override <see cref="PerSample"/> (Keras's <c>call</c>) for your own loss.
/// </summary>
public abstract class Loss
{
    static readonly string[] ReductionNames = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"];

    static readonly Dictionary<string, Func<Loss>> ByName = new(StringComparer.Ordinal)
    {
        ["sparse_categorical_crossentropy"] = () => new SparseCategoricalCrossentropy(),
        ["categorical_crossentropy"] = () => new CategoricalCrossentropy(),
        ["binary_crossentropy"] = () => new BinaryCrossentropy(),
        ["bce"] = () => new BinaryCrossentropy(),
        ["mean_squared_error"] = () => new MeanSquaredError(),
        ["mse"] = () => new MeanSquaredError(),
        ["mean_absolute_error"] = () => new MeanAbsoluteError(),
        ["mae"] = () => new MeanAbsoluteError(),
        ["huber"] = () => new Huber(),
        ["huber_loss"] = () => new Huber(),
        ["kl_divergence"] = () => new KLDivergence(),
        ["kld"] = () => new KLDivergence(),
        ["kullback_leibler_divergence"] = () => new KLDivergence(),
    };

    /// <summary>Creates a loss.</summary>
    /// <param name="name">The loss's name in logs; Keras's default for the class when null.</param>
    /// <param name="reduction">"sum_over_batch_size" (mean over all per-sample losses), "sum", "mean",
    /// "mean_with_sample_weight" (weighted sum over the sum of weights) or "none" (per-sample values).</param>
    protected Loss(string? name, string reduction)
    {
        ArgumentNullException.ThrowIfNull(reduction);
        // Keras 2 called the default "auto" and wrote it into every saved training config.
        if (reduction == "auto") reduction = "sum_over_batch_size";
        if (Array.IndexOf(ReductionNames, reduction) < 0)
            throw new ArgumentException(
                $"Invalid value for argument `reduction`. Expected one of {{{string.Join(", ", ReductionNames.Select(r => $"'{r}'"))}}}. Received: reduction={reduction}",
                nameof(reduction));
        if (name is not null && string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A loss name must not be empty.", nameof(name));
        Name = name ?? Naming.ToSnakeCase(GetType().Name);
        Reduction = reduction;
    }

    /// <summary>The loss's name, e.g. <c>sparse_categorical_crossentropy</c>.</summary>
    public string Name { get; }

    /// <summary>How per-sample losses are reduced by <see cref="Call"/>.</summary>
    public string Reduction { get; }

    /// <summary>
    /// Keras's <c>loss(y_true, y_pred, sample_weight)</c>: per-sample losses times <paramref name="sampleWeight"/>
    /// (broadcast; a (batch,) weight fits (batch, 1) losses), reduced by <see cref="Reduction"/>. The result keeps the
    /// graph, so <c>loss.Call(y, model.Apply(x)).backward()</c> trains.
    /// </summary>
    /// <param name="yTrue">Targets (labels).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional weights, one per sample (or per per-sample loss element).</param>
    /// <exception cref="ArgumentException">The shapes of <paramref name="yTrue"/> and <paramref name="yPred"/> do not fit this loss.</exception>
    public Tensor Call(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        using var scope = NewDisposeScope();
        return Reduce(PerSample(yTrue, yPred), sampleWeight, ValidMask(yTrue)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The unreduced losses (Keras's <c>Loss.call</c>): one value per sample for the losses here, i.e. the input shape
    /// without its last axis. Override it to write your own loss.
    /// </summary>
    /// <param name="yTrue">Targets (labels).</param>
    /// <param name="yPred">Predictions.</param>
    public abstract Tensor PerSample(Tensor yTrue, Tensor yPred);

    /// <summary>The constructor arguments as Keras names them (Keras's <c>get_config()</c>).</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?> { ["name"] = Name, ["reduction"] = Reduction };

    /// <summary>Keras's loss by name, with Keras's defaults.</summary>
    /// <param name="name">"sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy", "mse",
    /// "mae", "huber", "kl_divergence" (and their Keras aliases and class names), case-insensitive.</param>
    /// <exception cref="ArgumentException">The name is not a known loss (parameter name <c>loss</c>).</exception>
    public static Loss Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name, "loss");
        var key = name.Trim();
        if (ByName.TryGetValue(key.ToLowerInvariant(), out var create) || ByName.TryGetValue(Naming.ToSnakeCase(key), out create)) return create();
        throw new ArgumentException(
            $"Could not interpret loss function identifier: '{name}'. Expected one of: {string.Join(", ", ByName.Keys)}, or a Loss instance.",
            "loss");
    }

    /// <summary>Keras-style shorthand: <c>loss: "sparse_categorical_crossentropy"</c>.</summary>
    /// <param name="name">The loss's name.</param>
    public static implicit operator Loss(string name) => Get(name);

    /// <summary>True when the loss can take the model's pre-softmax output and fuse log-softmax (more exact, faster).</summary>
    internal virtual bool FusesSoftmax => false;

    /// <summary>True when labels are class indices (sparse), checked against the output's class count.</summary>
    internal virtual bool SparseLabels => false;

    /// <summary>A sparse label value that is ignored rather than checked (Keras's <c>ignore_class</c>), or null.</summary>
    internal virtual int? IgnoredLabel => null;

    /// <summary>Per-sample losses from logits, for losses that fuse the model's final softmax (<see cref="FusesSoftmax"/>).</summary>
    internal virtual Tensor PerSampleFromLogits(Tensor yTrue, Tensor logits) =>
        throw new InvalidOperationException($"{Name} does not fuse a softmax.");

    /// <summary>The reduced loss for the training loop. <paramref name="outputIsLogits"/> says the model skipped its final softmax.</summary>
    internal Tensor Compute(Tensor output, Tensor labels, bool outputIsLogits, Tensor? sampleWeight = null)
    {
        using var scope = NewDisposeScope();
        var perSample = outputIsLogits ? PerSampleFromLogits(labels, output) : PerSample(labels, output);
        return Reduce(perSample, sampleWeight, ValidMask(labels)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Which per-sample losses count (Keras's loss mask, e.g. labels equal to <c>ignoreClass</c> do not), shaped like
    /// <see cref="PerSample"/>'s result; null when all count.
    /// </summary>
    private protected virtual Tensor? ValidMask(Tensor yTrue) => null;

    Tensor Reduce(Tensor values, Tensor? sampleWeight, Tensor? mask)
    {
        Tensor? w = null;
        if (sampleWeight is not null)
        {
            w = sampleWeight.to_type(values.dtype);
            if (w.device != values.device) w = w.to(values.device);
        }
        if (mask is not null)
        {
            // Keras's apply_mask: the mask joins the sample weights; for the means, the kept values are weighted by
            // total / kept, so the mean runs over the kept values only (and is 0 when none is kept).
            var kept = mask.to(values.device).to_type(values.dtype);
            if (Reduction is "sum_over_batch_size" or "mean")
            {
                using var total = ((double)mask.numel()).ToScalar();
                kept = kept.mul(DivideNoNan(full([], total, values.dtype, values.device), kept.sum()));
            }
            if (w is null) w = kept;
            else
            {
                var (a, b) = SameRank(kept, w);
                w = a.mul(b);
            }
        }
        if (w is not null)
        {
            (values, w) = SameRank(values, w);
            values = values.mul(w);
        }
        if (Reduction == "none" || values.dim() == 0) return values;
        var sum = values.sum();
        return Reduction switch
        {
            "sum" => sum,
            "mean_with_sample_weight" when w is not null => DivideNoNan(sum, w.sum()),
            _ => values.numel() == 0 ? zeros_like(sum) : DivideBy(sum, values.numel()),
        };
    }

    /// <summary>The loss's class axis (Keras's <c>axis</c>) moved last, after checking it against the predictions' rank.</summary>
    private protected Tensor ClassAxisLast(Tensor t, int axis, Tensor yPred)
    {
        long rank = yPred.dim();
        if (axis < -rank || axis >= rank || rank == 0)
            throw new ArgumentException(
                $"{Name}: axis={axis} is out of bounds for predictions (y_pred) of rank {rank}, shape {Shape(yPred)}; expected an axis in [{-rank}, {rank}).");
        return axis == -1 || axis == rank - 1 ? t : t.movedim([axis], [-1]);
    }

    static Tensor DivideBy(Tensor sum, long count)
    {
        using var n = ((double)count).ToScalar();
        return sum.div(n);
    }

    static Tensor DivideNoNan(Tensor a, Tensor b) => where(b.eq(Training.Scalars.Zero), zeros_like(a), a.div(b));

    /// <summary>Keras's squeeze_or_expand_to_same_rank: drops a trailing 1 (or adds one) when ranks differ by one.</summary>
    internal static (Tensor A, Tensor B) SameRank(Tensor a, Tensor b)
    {
        long ra = a.dim(), rb = b.dim();
        if (ra == rb + 1) return a.shape[^1] == 1 ? (a.squeeze(-1), b) : (a, b.unsqueeze(-1));
        if (rb == ra + 1) return b.shape[^1] == 1 ? (a, b.squeeze(-1)) : (a.unsqueeze(-1), b);
        return (a, b);
    }

    /// <summary>Labels and predictions of one shape (after Keras's rank adjustment), else an error naming the loss and both shapes.</summary>
    private protected (Tensor YTrue, Tensor YPred) SameShape(Tensor yTrue, Tensor yPred, string hint = "")
    {
        var (t, p) = SameRank(yTrue, yPred);
        if (!t.shape.SequenceEqual(p.shape))
            throw new ArgumentException(
                $"{Name}: labels (y_true) and predictions (y_pred) must have the same shape. Received: y_true.shape={Shape(yTrue)}, " +
                $"y_pred.shape={Shape(yPred)}.{hint}");
        return (AsFloat(t, p), p);
    }

    private protected static Tensor AsFloat(Tensor labels, Tensor like)
    {
        var t = labels.dtype == like.dtype ? labels : labels.to_type(like.dtype);
        return t.device == like.device ? t : t.to(like.device);
    }

    private protected static string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + (t.dim() == 1 ? ",)" : ")");

    /// <summary>1 - x without a temporary Scalar.</summary>
    private protected static Tensor OneMinus(Tensor x) => x.neg().add_(Training.Scalars.One, Training.Scalars.One);
}
