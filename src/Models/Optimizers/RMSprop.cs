using Pipeline.Models.Optimizers.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// Keras's <c>RMSprop</c> (learning rate 0.001, rho 0.9, epsilon 1e-7): <c>v = ρ v + (1 − ρ) g²</c>,
/// <c>step = lr · g / √(v + ε)</c> (centered: <c>√(v − ḡ² + ε)</c> with <c>ḡ = ρ ḡ + (1 − ρ) g</c>); with momentum
/// <c>mom = momentum · mom + step</c>, <c>w -= mom</c>, else <c>w -= step</c>. Note ε sits inside the root, as in Keras 3.
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>Creates an RMSprop optimizer.</summary>
    /// <param name="learningRate">Step size: a number or a <see cref="LearningRateSchedule"/>; 0.001 when null.</param>
    /// <param name="rho">Decay rate of the squared-gradient average.</param>
    /// <param name="momentum">Momentum factor.</param>
    /// <param name="epsilon">Numerical-stability constant.</param>
    /// <param name="centered">Normalise by the gradient's estimated variance instead of its second moment.</param>
    /// <param name="weightDecay">Decoupled weight decay factor, or null.</param>
    /// <param name="clipnorm">Per-gradient L2-norm limit, or null.</param>
    /// <param name="clipvalue">Per-element gradient limit, or null.</param>
    /// <param name="globalClipnorm">Joint L2-norm limit over all gradients, or null.</param>
    /// <param name="name">The optimizer's name.</param>
    public RMSprop(LearningRateSchedule? learningRate = null, double rho = 0.9, double momentum = 0, double epsilon = 1e-7, bool centered = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "rmsprop")
        : base(learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
    {
        Rho = rho;
        Momentum = momentum;
        Epsilon = epsilon;
        Centered = centered;
    }

    /// <summary>Decay rate of the squared-gradient average.</summary>
    public double Rho { get; }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Numerical-stability constant.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the centered variant is used.</summary>
    public bool Centered { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["rho"] = Rho,
        ["momentum"] = Momentum,
        ["epsilon"] = Epsilon,
        ["centered"] = Centered,
    };

    // Keras builds velocities, momentums and average gradients in separate calls.
    private protected override IReadOnlyList<string[]> KerasSlotGroups => [.. SlotNames.Select(n => new[] { n })];

    private protected override string[] SlotNames => (Momentum > 0, Centered) switch
    {
        (true, true) => ["velocity", "momentum", "average_gradient"],
        (true, false) => ["velocity", "momentum"],
        (false, true) => ["velocity", "average_gradient"],
        _ => ["velocity"],
    };

    private protected override void UpdateStep(Tensor gradient, Tensor variable, Tensor[] slots, double learningRate, long localStep)
    {
        using var rho = Rho.ToScalar();
        using var oneMinusRho = (1 - Rho).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var lr = learningRate.ToScalar();
        var v = slots[0];
        v.mul_(rho).addcmul_(gradient, gradient, oneMinusRho);
        Tensor denominator;
        if (Centered)
        {
            var average = slots[^1];
            average.mul_(rho).add_(gradient, oneMinusRho);
            denominator = v.sub(average.square()).add_(epsilon, Training.Scalars.One).sqrt_();
        }
        else
        {
            denominator = v.add(epsilon, Training.Scalars.One).sqrt_();
        }
        if (Momentum > 0)
        {
            using var momentum = Momentum.ToScalar();
            var mom = slots[1];
            mom.mul_(momentum).addcdiv_(gradient, denominator, lr);
            variable.sub_(mom);
        }
        else
        {
            using var minusLr = (-learningRate).ToScalar();
            variable.addcdiv_(gradient, denominator, minusLr);
        }
    }
}
