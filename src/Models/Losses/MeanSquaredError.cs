using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>Mean of squared differences between labels and predictions (Keras's <c>MeanSquaredError</c>).</summary>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc />
    public override string Name => "mean_squared_error";

    internal override Tensor Compute(Tensor output, Tensor labels, bool outputIsLogits) =>
        nn.functional.mse_loss(output, labels.to_type(ScalarType.Float32).reshape(output.shape));
}
