namespace Pipeline.Models.Optimizers.Schedules;

/// <summary>
/// A learning rate that depends on the optimizer's step count (Keras's
/// <c>keras.optimizers.schedules.LearningRateSchedule</c>). Pass one as an optimizer's <c>learningRate</c>; a plain
/// number converts to a constant rate.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/> (the optimizer's iterations so far, from 0).</summary>
    /// <param name="step">Training step.</param>
    public abstract double Call(long step);

    /// <summary>The constructor arguments as Keras names them.</summary>
    public abstract IReadOnlyDictionary<string, object?> GetConfig();

    /// <summary>A constant learning rate: <c>new Adam(learningRate: 1e-4)</c>.</summary>
    /// <param name="learningRate">The rate.</param>
    public static implicit operator LearningRateSchedule(double learningRate) => new ConstantLearningRate(learningRate);
}

/// <summary>A fixed rate; what a number given as <c>learningRate</c> becomes. The optimizer's LearningRate setter changes it.</summary>
internal sealed class ConstantLearningRate : LearningRateSchedule
{
    internal ConstantLearningRate(double value) => Value = value;

    internal double Value { get; set; }

    public override double Call(long step) => Value;

    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["value"] = Value };
}
