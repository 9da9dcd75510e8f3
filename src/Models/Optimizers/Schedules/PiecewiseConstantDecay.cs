namespace Pipeline.Models.Optimizers.Schedules;

/// <summary>
/// Keras's <c>PiecewiseConstantDecay</c>: <c>values[0]</c> while step ≤ <c>boundaries[0]</c>, <c>values[i]</c> while
/// <c>boundaries[i − 1] &lt; step ≤ boundaries[i]</c>, and the last value after the last boundary.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    readonly long[] _boundaries;
    readonly double[] _values;

    /// <summary>Creates the schedule.</summary>
    /// <param name="boundaries">Increasing step boundaries.</param>
    /// <param name="values">One more value than boundaries.</param>
    public PiecewiseConstantDecay(IReadOnlyList<long> boundaries, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (boundaries.Count != values.Count - 1)
            throw new ArgumentException(
                $"The length of boundaries should be 1 less than the length of values. Received: boundaries={boundaries.Count} elements, values={values.Count} elements.",
                nameof(values));
        for (int i = 1; i < boundaries.Count; i++)
            if (boundaries[i] <= boundaries[i - 1])
                throw new ArgumentException($"boundaries must be strictly increasing; boundaries[{i}]={boundaries[i]} follows {boundaries[i - 1]}.", nameof(boundaries));
        _boundaries = [.. boundaries];
        _values = [.. values];
    }

    /// <summary>The step boundaries.</summary>
    public IReadOnlyList<long> Boundaries => _boundaries;

    /// <summary>The rates between boundaries.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <inheritdoc />
    public override double Call(long step)
    {
        for (int i = 0; i < _boundaries.Length; i++)
            if (step <= _boundaries[i]) return _values[i];
        return _values[^1];
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?> { ["boundaries"] = _boundaries, ["values"] = _values };
}
