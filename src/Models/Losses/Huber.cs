using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>
/// Keras's <c>Huber</c> loss, averaged over the last axis: for an error e, <c>0.5 e²</c> when |e| ≤ delta,
/// <c>delta · |e| − 0.5 delta²</c> otherwise.
/// </summary>
public sealed class Huber : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="delta">Where the loss turns from quadratic to linear; positive.</param>
    /// <param name="reduction">See <see cref="Loss.Reduction"/>.</param>
    /// <param name="name">Name in logs.</param>
    public Huber(double delta = 1.0, string reduction = "sum_over_batch_size", string? name = "huber_loss") : base(name, reduction)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "Huber: delta must be positive.");
        Delta = delta;
    }

    /// <summary>The quadratic-to-linear threshold.</summary>
    public double Delta { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig()) { ["delta"] = Delta };

    /// <inheritdoc />
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (t, p) = SameShape(yTrue, yPred);
        using var scope = NewDisposeScope();
        using var delta = Delta.ToScalar();
        using var half = 0.5.ToScalar();
        using var halfDeltaSquared = (-0.5 * Delta * Delta).ToScalar();
        var error = p.sub(t).abs_();
        var quadratic = error.square().mul_(half);
        var linear = error.mul(delta).add_(halfDeltaSquared, Training.Scalars.One);
        var elementwise = where(error.le(delta), quadratic, linear);
        return (elementwise.dim() == 0 ? elementwise : elementwise.mean([-1])).MoveToOuterDisposeScope();
    }
}
