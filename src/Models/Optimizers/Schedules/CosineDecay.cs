namespace Pipeline.Models.Optimizers.Schedules;

/// <summary>
/// Keras 3's <c>CosineDecay</c> with optional linear warm-up. Without <see cref="WarmupTarget"/>: the rate falls from
/// <c>initialLearningRate</c> along half a cosine to <c>alpha · initialLearningRate</c> over <c>decaySteps</c>, then stays.
/// With it: the rate first rises linearly from <c>initialLearningRate</c> to <c>warmupTarget</c> over <c>warmupSteps</c>,
/// then decays from <c>warmupTarget</c> the same way.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0.</param>
    /// <param name="decaySteps">Steps of the cosine decay; positive.</param>
    /// <param name="alpha">Final rate as a fraction of the decayed-from rate.</param>
    /// <param name="warmupTarget">The rate reached at the end of warm-up; no warm-up when null.</param>
    /// <param name="warmupSteps">Steps of linear warm-up.</param>
    public CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0.0, double? warmupTarget = null, long warmupSteps = 0)
    {
        if (decaySteps <= 0)
            throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, $"Argument `decay_steps` must be > 0. Received: decay_steps={decaySteps}");
        if (warmupSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warmupSteps must be >= 0.");
        (InitialLearningRate, DecaySteps, Alpha, WarmupTarget, WarmupSteps) = (initialLearningRate, decaySteps, alpha, warmupTarget, warmupSteps);
    }

    /// <summary>The rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Steps of the cosine decay.</summary>
    public long DecaySteps { get; }

    /// <summary>Final rate as a fraction of the decayed-from rate.</summary>
    public double Alpha { get; }

    /// <summary>The rate reached at the end of warm-up, or null.</summary>
    public double? WarmupTarget { get; }

    /// <summary>Steps of linear warm-up.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc />
    public override double Call(long step)
    {
        double s = step;
        if (WarmupTarget is not double target) return Decay(Math.Min(s, DecaySteps), InitialLearningRate);
        s = Math.Min(s, DecaySteps + WarmupSteps);
        if (s < WarmupSteps) return (target - InitialLearningRate) * (s / WarmupSteps) + InitialLearningRate;
        return Decay(s - WarmupSteps, target);
    }

    double Decay(double step, double from)
    {
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * step / DecaySteps));
        return from * ((1 - Alpha) * cosine + Alpha);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["alpha"] = Alpha,
        ["warmup_target"] = WarmupTarget,
        ["warmup_steps"] = WarmupSteps,
    };
}
