using Pipeline.Models.Optimizers.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// Keras's <c>Adagrad</c> (learning rate 0.001, initial accumulator 0.1, epsilon 1e-7): <c>acc += g²</c>,
/// <c>w -= lr · g / √(acc + ε)</c>.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Creates an Adagrad optimizer.</summary>
    /// <param name="learningRate">Step size: a number or a <see cref="LearningRateSchedule"/>; 0.001 when null.</param>
    /// <param name="initialAccumulatorValue">Starting value of the accumulators, >= 0.</param>
    /// <param name="epsilon">Numerical-stability constant.</param>
    /// <param name="weightDecay">Decoupled weight decay factor, or null.</param>
    /// <param name="clipnorm">Per-gradient L2-norm limit, or null.</param>
    /// <param name="clipvalue">Per-element gradient limit, or null.</param>
    /// <param name="globalClipnorm">Joint L2-norm limit over all gradients, or null.</param>
    /// <param name="name">The optimizer's name.</param>
    public Adagrad(LearningRateSchedule? learningRate = null, double initialAccumulatorValue = 0.1, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "adagrad")
        : base(learningRate, 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
    {
        if (!(initialAccumulatorValue >= 0))
            throw new ArgumentOutOfRangeException(nameof(initialAccumulatorValue), initialAccumulatorValue, "initialAccumulatorValue must be >= 0.");
        InitialAccumulatorValue = initialAccumulatorValue;
        Epsilon = epsilon;
    }

    /// <summary>Starting value of the accumulators.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>Numerical-stability constant.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["initial_accumulator_value"] = InitialAccumulatorValue,
        ["epsilon"] = Epsilon,
    };

    private protected override string[] SlotNames => ["accumulator"];

    private protected override double SlotInitialValue => InitialAccumulatorValue;

    private protected override void UpdateStep(Tensor gradient, Tensor variable, Tensor[] slots, double learningRate, long localStep)
    {
        using var epsilon = Epsilon.ToScalar();
        using var minusLr = (-learningRate).ToScalar();
        var accumulator = slots[0];
        accumulator.addcmul_(gradient, gradient, Training.Scalars.One);
        variable.addcdiv_(gradient, accumulator.add(epsilon, Training.Scalars.One).sqrt_(), minusLr);
    }
}
