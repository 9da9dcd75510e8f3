using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>
/// Cross-entropy between integer class labels and predicted class scores over the last axis (Keras's
/// <c>SparseCategoricalCrossentropy</c>). Labels have the predictions' shape without the class axis (a trailing axis
/// of 1 is accepted); one-hot labels belong to <see cref="CategoricalCrossentropy"/>.
/// </summary>
public sealed class SparseCategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">True when the model outputs unnormalised scores rather than probabilities.</param>
    /// <param name="reduction">See <see cref="Loss.Reduction"/>.</param>
    /// <param name="name">Name in logs.</param>
    public SparseCategoricalCrossentropy(bool fromLogits = false, string reduction = "sum_over_batch_size", string? name = "sparse_categorical_crossentropy")
        : base(name, reduction) => FromLogits = fromLogits;

    /// <summary>True when the model's outputs are logits.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig()) { ["from_logits"] = FromLogits };

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
        var logProbabilities = fromLogits
            ? yPred.log_softmax(-1)
            // As Keras: renormalise over the class axis, clip to [eps, 1 - eps], log.
            : yPred.div(yPred.sum(-1, keepdim: true)).clamp(Training.Scalars.ProbabilityFloor, Training.Scalars.ProbabilityCeiling).log();
        return logProbabilities.gather(-1, target.unsqueeze(-1)).squeeze(-1).neg().MoveToOuterDisposeScope();
    }
}
