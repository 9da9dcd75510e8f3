namespace Pipeline.Records;

/// <summary>
/// A feature holding any number of fixed-shape rows, parsed into a dense tensor of shape <c>[rows, ..Shape]</c>
/// (<c>tf.io.FixedLenSequenceFeature(shape, dtype, allow_missing, default_value)</c>). In a batch, shorter examples are
/// padded with <see cref="DefaultValue"/> (zero or empty when null). In a <see cref="SequenceExample"/> each step is one row.
/// </summary>
public sealed class FixedLenSequenceFeature : FeatureSpec
{
    /// <summary>Describes a sequence of fixed-shape rows.</summary>
    /// <param name="shape">Shape of one row, e.g. <c>[]</c> for scalars.</param>
    /// <param name="dtype">Expected value type.</param>
    /// <param name="allowMissing">Treat a missing feature as zero rows instead of an error.</param>
    /// <param name="defaultValue">Scalar used for padding; null means zero (or the empty string).</param>
    public FixedLenSequenceFeature(long[] shape, FeatureType dtype, bool allowMissing = false, object? defaultValue = null) : base(dtype)
    {
        Shape = CheckShape(shape, nameof(shape));
        AllowMissing = allowMissing;
        DefaultValue = defaultValue;
        Padding = defaultValue is null ? DefaultValues.Zero(dtype) : DefaultValues.Convert(defaultValue, dtype, nameof(defaultValue));
        if (Padding.Count != 1) throw new ArgumentException("defaultValue of a FixedLenSequenceFeature must be a single value.", nameof(defaultValue));
    }

    /// <summary>Shape of one row.</summary>
    public long[] Shape { get; }

    /// <summary>Whether a missing feature is zero rows rather than an error.</summary>
    public bool AllowMissing { get; }

    /// <summary>Padding value as given, or null for zero / empty.</summary>
    public object? DefaultValue { get; }

    internal DefaultValues Padding { get; }

    internal long RowSize => Shape.Aggregate(1L, (a, b) => a * b);

    /// <inheritdoc/>
    public override string ToString() => $"FixedLenSequenceFeature([{string.Join(", ", Shape)}], {DTypeName}, allowMissing: {AllowMissing})";
}
