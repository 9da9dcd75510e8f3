namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Keras's <c>width_shift_range</c> / <c>height_shift_range</c>, with the meaning Keras gives each kind of value:
/// a <see cref="double"/> r draws uniformly from [-r, r] (a fraction of the side when r &lt; 1, pixels otherwise);
/// an <see cref="int"/> k draws a whole number of pixels from {-(k - 1), ..., k - 1}; an array draws one of its values
/// with a random sign (fractions of the side when all are below 1). Convert implicitly: <c>widthShiftRange: 0.1</c>,
/// <c>widthShiftRange: 4</c>, <c>widthShiftRange: new[] { 2, 4 }</c>.
/// </summary>
public readonly struct ShiftRange : IEquatable<ShiftRange>
{
    readonly double[]? _choices;

    ShiftRange(double value, double[]? choices)
    {
        Value = value;
        _choices = choices;
    }

    /// <summary>The float range r (0 when the range is a set of choices).</summary>
    public double Value { get; }

    /// <summary>The values a shift is chosen from (with a random sign), or null for a float range.</summary>
    public IReadOnlyList<double>? Choices => _choices;

    /// <summary>A float range: uniform in [-r, r], a fraction of the side when r &lt; 1.</summary>
    /// <param name="value">r.</param>
    public static implicit operator ShiftRange(double value) => new(value, null);

    /// <summary>Keras's integer range: a whole number of pixels in {-(k - 1), ..., k - 1} (numpy's <c>choice(k)</c> with a sign).</summary>
    /// <param name="value">k.</param>
    public static implicit operator ShiftRange(int value) => new(0, value <= 0 ? (value == 0 ? null : [value]) : [.. Enumerable.Range(0, value).Select(i => (double)i)]);

    /// <summary>Keras's array range: one of the values, with a random sign.</summary>
    /// <param name="values">The values.</param>
    public static implicit operator ShiftRange(double[] values) => new(0, [.. values ?? throw new ArgumentNullException(nameof(values))]);

    /// <summary>Keras's array range of whole pixels.</summary>
    /// <param name="values">The values.</param>
    public static implicit operator ShiftRange(int[] values) => new(0, [.. (values ?? throw new ArgumentNullException(nameof(values))).Select(v => (double)v)]);

    /// <summary>Whether any shift is drawn (Keras's truthiness of the argument).</summary>
    internal bool IsEnabled => _choices is not null ? _choices.Length > 0 : Value != 0;

    internal void Check(string argument)
    {
        if (_choices is null)
        {
            if (!(Value >= 0) || double.IsInfinity(Value))
                throw new ArgumentOutOfRangeException(argument, Value, $"ImageDataGenerator: {argument} must be a finite number >= 0 (a fraction of the side below 1, pixels from 1); got {Value}.");
            return;
        }
        foreach (var v in _choices)
            if (!(v >= 0) || double.IsInfinity(v))
                throw new ArgumentOutOfRangeException(argument, v, $"ImageDataGenerator: {argument} values must be finite and >= 0 (a random sign is applied); got {v} in [{string.Join(", ", _choices)}].");
    }

    /// <summary>Draws a shift in pixels for a side of <paramref name="size"/> pixels, with Keras's draws.</summary>
    internal double Draw(DeterministicRandom random, long size)
    {
        double shift;
        double max;
        if (_choices is null)
        {
            shift = Uniform(random, -Value, Value);
            max = Value;
        }
        else
        {
            shift = _choices[random.NextInt(_choices.Length)];
            shift *= random.NextInt(2) == 0 ? -1 : 1;
            max = _choices.Max();
        }
        return max < 1 ? shift * size : shift;
    }

    internal static double Uniform(DeterministicRandom random, double lower, double upper) => lower + (upper - lower) * random.NextDouble();

    /// <inheritdoc />
    public bool Equals(ShiftRange other) => Value == other.Value && (_choices ?? []).SequenceEqual(other._choices ?? []) && (_choices is null) == (other._choices is null);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ShiftRange other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _choices is null ? Value.GetHashCode() : _choices.Aggregate(17, (h, v) => h * 31 + v.GetHashCode());

    /// <summary>Equality of two ranges.</summary>
    /// <param name="left">One range.</param>
    /// <param name="right">The other.</param>
    public static bool operator ==(ShiftRange left, ShiftRange right) => left.Equals(right);

    /// <summary>Inequality of two ranges.</summary>
    /// <param name="left">One range.</param>
    /// <param name="right">The other.</param>
    public static bool operator !=(ShiftRange left, ShiftRange right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => _choices is null ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"[{string.Join(", ", _choices)}]";
}
