using Pipeline.Models.Optimizers.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// Keras's <c>Nadam</c> (learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7): Adam with Nesterov momentum and
/// Dozat's momentum schedule <c>u_t = β1 (1 − 0.5 · 0.96^t)</c>: <c>m̂ = u_{t+1} m / (1 − Πu_{..t+1}) + (1 − u_t) g / (1 − Πu_{..t})</c>,
/// <c>v̂ = v / (1 − β2^t)</c>, <c>w -= lr · m̂ / (√v̂ + ε)</c>.
/// </summary>
public sealed class Nadam : Optimizer
{
    // float32, as Keras's u_product variable: a saved and restored value is then exactly the one in memory.
    float _uProduct = 1;

    /// <summary>Creates a Nadam optimizer.</summary>
    /// <param name="learningRate">Step size: a number or a <see cref="LearningRateSchedule"/>; 0.001 when null.</param>
    /// <param name="beta1">Decay rate of the first-moment estimates.</param>
    /// <param name="beta2">Decay rate of the second-moment estimates.</param>
    /// <param name="epsilon">Numerical-stability constant.</param>
    /// <param name="weightDecay">Decoupled weight decay factor, or null.</param>
    /// <param name="clipnorm">Per-gradient L2-norm limit, or null.</param>
    /// <param name="clipvalue">Per-element gradient limit, or null.</param>
    /// <param name="globalClipnorm">Joint L2-norm limit over all gradients, or null.</param>
    /// <param name="name">The optimizer's name.</param>
    public Nadam(LearningRateSchedule? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "nadam")
        : base(learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay rate of the first-moment estimates.</summary>
    public double Beta1 { get; }

    /// <summary>Decay rate of the second-moment estimates.</summary>
    public double Beta2 { get; }

    /// <summary>Numerical-stability constant.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["beta_1"] = Beta1,
        ["beta_2"] = Beta2,
        ["epsilon"] = Epsilon,
    };

    private protected override string[] SlotNames => ["momentum", "velocity"];

    double U(long step) => Beta1 * (1 - 0.5 * Math.Pow(0.96, step));

    // Keras keeps the product as an optimizer variable (created after the momentums and velocities).
    internal override IReadOnlyList<(string Name, double Value)> ScalarState => [("u_product", _uProduct)];

    internal override void RestoreScalarState(IReadOnlyList<double> values) => _uProduct = (float)values[0];

    // Keras advances the product once per step, before the per-variable updates.
    private protected override void BeginStep(long localStep) => _uProduct = (float)(_uProduct * U(localStep));

    private protected override void UpdateStep(Tensor gradient, Tensor variable, Tensor[] slots, double learningRate, long localStep)
    {
        double uT = U(localStep), uNext = U(localStep + 1);
        double uProductNext = _uProduct * uNext;
        var m = slots[0];
        var v = slots[1];
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var correction = (1 / (1 - Math.Pow(Beta2, localStep))).ToScalar();
        using var momentumStep = (-learningRate * uNext / (1 - uProductNext)).ToScalar();
        using var gradientStep = (-learningRate * (1 - uT) / (1 - _uProduct)).ToScalar();
        m.add_(gradient.sub(m), oneMinusBeta1);
        v.mul_(beta2).addcmul_(gradient, gradient, oneMinusBeta2);
        var denominator = v.mul(correction).sqrt_().add_(epsilon, Training.Scalars.One);
        variable.addcdiv_(m, denominator, momentumStep).addcdiv_(gradient, denominator, gradientStep);
    }
}
