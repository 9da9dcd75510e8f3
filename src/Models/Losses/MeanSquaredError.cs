using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>Mean of squared differences over the last axis (Keras's <c>MeanSquaredError</c>, "mse").</summary>
public sealed class MeanSquaredError : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">See <see cref="Loss.Reduction"/>.</param>
    /// <param name="name">Name in logs.</param>
    public MeanSquaredError(string reduction = "sum_over_batch_size", string? name = "mean_squared_error") : base(name, reduction) { }

    /// <inheritdoc />
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (t, p) = SameShape(yTrue, yPred);
        using var scope = NewDisposeScope();
        var d = p.sub(t).square();
        return (d.dim() == 0 ? d : d.mean([-1])).MoveToOuterDisposeScope();
    }
}
