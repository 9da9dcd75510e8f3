using Pipeline.Models.Optimizers.Schedules;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// Keras's <c>AdamW</c>: <see cref="Adam"/> with decoupled weight decay on by default (weightDecay 0.004): before each
/// Adam update every weight shrinks by <c>w · weightDecay · lr</c>.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates an AdamW optimizer.</summary>
    /// <param name="learningRate">Step size: a number or a <see cref="LearningRateSchedule"/>; 0.001 when null.</param>
    /// <param name="weightDecay">Decoupled weight decay factor.</param>
    /// <param name="beta1">Decay rate of the first-moment estimates.</param>
    /// <param name="beta2">Decay rate of the second-moment estimates.</param>
    /// <param name="epsilon">Numerical-stability constant.</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant.</param>
    /// <param name="clipnorm">Per-gradient L2-norm limit, or null.</param>
    /// <param name="clipvalue">Per-element gradient limit, or null.</param>
    /// <param name="globalClipnorm">Joint L2-norm limit over all gradients, or null.</param>
    /// <param name="name">The optimizer's name.</param>
    public AdamW(LearningRateSchedule? learningRate = null, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        bool amsgrad = false, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adamw")
        : base(learningRate, beta1, beta2, epsilon, amsgrad, CheckWeightDecay(weightDecay), clipnorm, clipvalue, globalClipnorm, name)
    {
    }

    static double CheckWeightDecay(double weightDecay) =>
        weightDecay > 0 ? weightDecay : throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Argument `weight_decay` must be a positive float for AdamW.");
}
