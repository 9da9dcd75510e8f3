using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>
/// Cross-entropy between integer class labels and predicted class scores over the last axis (Keras's
/// <c>SparseCategoricalCrossentropy</c>). Labels have the predictions' shape without the class axis (a trailing axis
/// of 1 is accepted); one-hot labels belong to <see cref="CategoricalCrossentropy"/>. With <see cref="IgnoreClass"/>,
/// labels of that value contribute a loss of 0 and are left out of the mean, as Keras 3 does (e.g. the "void" class of
/// a segmentation map).
/// </summary>
public sealed class SparseCategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">True when the model outputs unnormalised scores rather than probabilities.</param>
    /// <param name="ignoreClass">A label value to ignore (Keras's <c>ignore_class</c>), or null: its samples contribute 0 to
    /// the loss and do not count in the "sum_over_batch_size" and "mean" reductions.</param>
    /// <param name="reduction">See <see cref="Loss.Reduction"/>.</param>
    /// <param name="name">Name in logs.</param>
    public SparseCategoricalCrossentropy(bool fromLogits = false, int? ignoreClass = null, string reduction = "sum_over_batch_size",
        string? name = "sparse_categorical_crossentropy")
        : base(name, reduction) => (FromLogits, IgnoreClass) = (fromLogits, ignoreClass);

    /// <summary>True when the model's outputs are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label value that is ignored, or null.</summary>
    public int? IgnoreClass { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?>(base.GetConfig()) { ["from_logits"] = FromLogits, ["ignore_class"] = IgnoreClass };

    internal override int? IgnoredLabel => IgnoreClass;

    private protected override Tensor? ValidMask(Tensor yTrue)
    {
        if (IgnoreClass is not int ignored) return null;
        var labels = yTrue.dim() > 0 && yTrue.shape[^1] == 1 && yTrue.dim() > 1 ? yTrue.squeeze(-1) : yTrue;
        using var value = ignored.ToScalar();
        return labels.ne(value);
    }

    /// <inheritdoc />
    public override Tensor PerSample(Tensor yTrue, Tensor yPred) => Compute(yTrue, yPred, FromLogits);

    internal override bool FusesSoftmax => !FromLogits;

    internal override bool SparseLabels => true;

    internal override Tensor PerSampleFromLogits(Tensor yTrue, Tensor logits) => Compute(yTrue, logits, fromLogits: true);

    Tensor Compute(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var expected = yPred.shape[..^1];
        var target = yTrue;
        if (target.dim() == yPred.dim() && target.shape[^1] == 1) target = target.squeeze(-1);
        if (yPred.dim() == 0 || !target.shape.SequenceEqual(expected))
            throw new ArgumentException(
                $"{Name}: expected labels (y_true) of shape ({string.Join(", ", expected)}{(expected.Length == 1 ? "," : "")}), one integer class index per " +
                $"prediction, for predictions (y_pred) of shape {Shape(yPred)}; received y_true.shape={Shape(yTrue)}." +
                (yTrue.shape.SequenceEqual(yPred.shape) ? " Labels look one-hot encoded: use categorical_crossentropy." : ""));
        using var scope = NewDisposeScope();
        if (target.dtype != ScalarType.Int64) target = target.to_type(ScalarType.Int64);
        if (target.device != yPred.device) target = target.to(yPred.device);
        Tensor? valid = null;
        if (IgnoreClass is int ignored)
        {
            // Ignored labels may lie outside [0, classes): gather class 0 for them, then zero their losses.
            using var value = ignored.ToScalar();
            valid = target.ne(value);
            target = target.masked_fill(valid.logical_not(), Training.Scalars.Zero);
        }
        var logProbabilities = fromLogits
            ? yPred.log_softmax(-1)
            // As Keras: renormalise over the class axis, clip to [eps, 1 - eps], log.
            : yPred.div(yPred.sum(-1, keepdim: true)).clamp(Training.Scalars.ProbabilityFloor, Training.Scalars.ProbabilityCeiling).log();
        var losses = logProbabilities.gather(-1, target.unsqueeze(-1)).squeeze(-1).neg();
        if (valid is not null) losses = losses.masked_fill(valid.logical_not(), Training.Scalars.Zero);
        return losses.MoveToOuterDisposeScope();
    }
}
