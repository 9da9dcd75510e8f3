using Pipeline.Models.Optimizers.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// Keras's <c>Adam</c> (learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7): <c>m += (g − m)(1 − β1)</c>,
/// <c>v += (g² − v)(1 − β2)</c>, <c>w -= lr · √(1 − β2^t) / (1 − β1^t) · m / (√v + ε)</c>, epsilon added to the uncorrected
/// root ("epsilon hat"). With <c>amsgrad</c> the running maximum of v is used.
/// </summary>
public class Adam : Optimizer
{
    /// <summary>Creates an Adam optimizer.</summary>
    /// <param name="learningRate">Step size: a number or a <see cref="LearningRateSchedule"/>; 0.001 when null.</param>
    /// <param name="beta1">Decay rate of the first-moment estimates.</param>
    /// <param name="beta2">Decay rate of the second-moment estimates.</param>
    /// <param name="epsilon">Numerical-stability constant.</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant.</param>
    /// <param name="weightDecay">Decoupled weight decay factor, or null.</param>
    /// <param name="clipnorm">Per-gradient L2-norm limit, or null.</param>
    /// <param name="clipvalue">Per-element gradient limit, or null.</param>
    /// <param name="globalClipnorm">Joint L2-norm limit over all gradients, or null.</param>
    /// <param name="name">The optimizer's name.</param>
    public Adam(LearningRateSchedule? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adam")
        : base(learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        Amsgrad = amsgrad;
    }

    /// <summary>Decay rate of the first-moment estimates.</summary>
    public double Beta1 { get; }

    /// <summary>Decay rate of the second-moment estimates.</summary>
    public double Beta2 { get; }

    /// <summary>Numerical-stability constant.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["beta_1"] = Beta1,
        ["beta_2"] = Beta2,
        ["epsilon"] = Epsilon,
        ["amsgrad"] = Amsgrad,
    };

    // Keras builds velocity_hat in a second add_optimizer_variables call, after the interleaved momentum/velocity.
    private protected override IReadOnlyList<string[]> KerasSlotGroups => Amsgrad ? [["momentum", "velocity"], ["velocity_hat"]] : [SlotNames];

    private protected override string[] SlotNames => Amsgrad ? ["momentum", "velocity", "velocity_hat"] : ["momentum", "velocity"];

    private protected override void UpdateStep(Tensor gradient, Tensor variable, Tensor[] slots, double learningRate, long localStep)
    {
        var m = slots[0];
        var v = slots[1];
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        double alpha = learningRate * Math.Sqrt(1 - Math.Pow(Beta2, localStep)) / (1 - Math.Pow(Beta1, localStep));
        using var minusAlpha = (-alpha).ToScalar();
        // m += (g - m)(1 - b1) without a temporary: m = m + (1 - b1) g - (1 - b1) m.
        m.add_(gradient.sub(m), oneMinusBeta1);
        v.mul_(beta2).addcmul_(gradient, gradient, oneMinusBeta2);
        if (Amsgrad)
        {
            slots[2].copy_(maximum(slots[2], v));
            v = slots[2];
        }
        variable.addcdiv_(m, v.sqrt().add_(epsilon, Training.Scalars.One), minusAlpha);
    }
}
