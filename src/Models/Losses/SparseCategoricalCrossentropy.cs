using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>Cross-entropy between integer class labels and predicted class scores (Keras's <c>SparseCategoricalCrossentropy</c>).</summary>
public sealed class SparseCategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">True when the model outputs unnormalised scores rather than probabilities.</param>
    public SparseCategoricalCrossentropy(bool fromLogits = false) => FromLogits = fromLogits;

    /// <summary>True when the model's outputs are logits.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc />
    public override string Name => "sparse_categorical_crossentropy";

    internal override bool FusesSoftmax => !FromLogits;

    internal override bool SparseLabels => true;

    internal override Tensor Compute(Tensor output, Tensor labels, bool outputIsLogits)
    {
        var target = labels.dim() > 1 ? labels.reshape(-1) : labels;
        if (target.dtype != ScalarType.Int64) target = target.to_type(ScalarType.Int64);
        if (FromLogits || outputIsLogits) return nn.functional.cross_entropy(output, target);
        // Probabilities: Keras clips to [eps, 1 - eps] before the log.
        return nn.functional.nll_loss(output.clamp(Training.Scalars.ProbabilityFloor, Training.Scalars.ProbabilityCeiling).log(), target);
    }
}
