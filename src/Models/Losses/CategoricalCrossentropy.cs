using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>
/// Cross-entropy between one-hot (or soft) labels and predicted class scores over the class axis, by default the last
/// (Keras's <c>CategoricalCrossentropy</c>). Labels must have the predictions' shape; integer class indices belong to
/// <see cref="SparseCategoricalCrossentropy"/>.
/// </summary>
public sealed class CategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">True when the model outputs unnormalised scores rather than probabilities.</param>
    /// <param name="labelSmoothing">In [0, 1]: labels become <c>y · (1 − s) + s / classes</c>.</param>
    /// <param name="axis">The class axis (Keras's <c>axis</c>, default -1, the last); the per-sample losses have the
    /// predictions' shape without it.</param>
    /// <param name="reduction">See <see cref="Loss.Reduction"/>.</param>
    /// <param name="name">Name in logs.</param>
    public CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, int axis = -1, string reduction = "sum_over_batch_size",
        string? name = "categorical_crossentropy")
        : base(name, reduction)
    {
        Axis = axis;
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "labelSmoothing must be in [0, 1].");
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>True when the model's outputs are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label-smoothing factor.</summary>
    public double LabelSmoothing { get; }

    /// <summary>The class axis (-1: the last).</summary>
    public int Axis { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["from_logits"] = FromLogits,
        ["label_smoothing"] = LabelSmoothing,
        ["axis"] = Axis,
    };

    /// <inheritdoc />
    public override Tensor PerSample(Tensor yTrue, Tensor yPred) => Compute(yTrue, yPred, FromLogits);

    // The model's final softmax runs over the last axis: only then may the training step fuse it into this loss.
    internal override bool FusesSoftmax => !FromLogits && Axis == -1;

    internal override Tensor PerSampleFromLogits(Tensor yTrue, Tensor logits) => Compute(yTrue, logits, fromLogits: true);

    Tensor Compute(Tensor yTrue, Tensor yPred, bool fromLogits)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yPred.dim() == 0 || !yTrue.shape.SequenceEqual(yPred.shape))
            throw new ArgumentException(
                $"{Name}: labels (y_true) and predictions (y_pred) must have the same shape. Received: y_true.shape={Shape(yTrue)}, y_pred.shape={Shape(yPred)}." +
                (yTrue.dim() == yPred.dim() - 1 || (yTrue.dim() == yPred.dim() && yTrue.shape[^1] == 1)
                    ? " Labels look like integer class indices: use sparse_categorical_crossentropy, or one-hot encode them."
                    : ""));
        using var scope = NewDisposeScope();
        var target = ClassAxisLast(AsFloat(yTrue, yPred), Axis, yPred);
        yPred = ClassAxisLast(yPred, Axis, yPred);
        if (LabelSmoothing > 0)
        {
            using var keep = (1 - LabelSmoothing).ToScalar();
            using var spread = (LabelSmoothing / yPred.shape[^1]).ToScalar();
            target = target.mul(keep).add_(spread, Training.Scalars.One);
        }
        Tensor logProbabilities = fromLogits
            ? yPred.log_softmax(-1)
            // Keras renormalises probabilities over the last axis, then clips to [eps, 1 - eps] before the log.
            : yPred.div(yPred.sum(-1, keepdim: true)).clamp(Training.Scalars.ProbabilityFloor, Training.Scalars.ProbabilityCeiling).log();
        return target.mul(logProbabilities).sum(-1).neg().MoveToOuterDisposeScope();
    }
}
