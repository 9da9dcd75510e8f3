using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>Mean of absolute differences over the last axis (Keras's <c>MeanAbsoluteError</c>, "mae").</summary>
public sealed class MeanAbsoluteError : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">See <see cref="Loss.Reduction"/>.</param>
    /// <param name="name">Name in logs.</param>
    public MeanAbsoluteError(string reduction = "sum_over_batch_size", string? name = "mean_absolute_error") : base(name, reduction) { }

    /// <inheritdoc />
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (t, p) = SameShape(yTrue, yPred);
        using var scope = NewDisposeScope();
        var d = p.sub(t).abs_();
        return (d.dim() == 0 ? d : d.mean([-1])).MoveToOuterDisposeScope();
    }
}
