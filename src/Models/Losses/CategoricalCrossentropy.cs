using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>Cross-entropy between one-hot labels and predicted class scores (Keras's <c>CategoricalCrossentropy</c>).</summary>
public sealed class CategoricalCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">True when the model outputs unnormalised scores rather than probabilities.</param>
    public CategoricalCrossentropy(bool fromLogits = false) => FromLogits = fromLogits;

    /// <summary>True when the model's outputs are logits.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc />
    public override string Name => "categorical_crossentropy";

    internal override bool FusesSoftmax => !FromLogits;

    internal override Tensor Compute(Tensor output, Tensor labels, bool outputIsLogits)
    {
        var logProbabilities = FromLogits || outputIsLogits
            ? output.log_softmax(-1)
            : output.clamp(Training.Scalars.ProbabilityFloor, Training.Scalars.ProbabilityCeiling).log();
        return -(labels.to_type(ScalarType.Float32) * logProbabilities).sum(-1).mean();
    }
}
