using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>
/// Kullback-Leibler divergence over the last axis (Keras's <c>KLDivergence</c>): both distributions clipped to
/// [1e-7, 1], then <c>sum(y_true · log(y_true / y_pred))</c>.
/// </summary>
public sealed class KLDivergence : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">See <see cref="Loss.Reduction"/>.</param>
    /// <param name="name">Name in logs.</param>
    public KLDivergence(string reduction = "sum_over_batch_size", string? name = "kl_divergence") : base(name, reduction) { }

    /// <inheritdoc />
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (t, p) = SameShape(yTrue, yPred);
        using var scope = NewDisposeScope();
        var tc = t.clamp(Training.Scalars.ProbabilityFloor, Training.Scalars.One);
        var pc = p.clamp(Training.Scalars.ProbabilityFloor, Training.Scalars.One);
        var elementwise = tc.mul(tc.div(pc).log_());
        return (elementwise.dim() == 0 ? elementwise : elementwise.sum(-1)).MoveToOuterDisposeScope();
    }
}
