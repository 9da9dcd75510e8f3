namespace Pipeline.Records;

/// <summary>
/// A feature with a fixed number of values, parsed into a dense tensor of <see cref="Shape"/>
/// (<c>tf.io.FixedLenFeature(shape, dtype, default_value)</c>).
/// </summary>
public sealed class FixedLenFeature : FeatureSpec
{
    /// <summary>Describes a fixed-length feature.</summary>
    /// <param name="shape">Shape of the value, e.g. <c>[]</c> for a scalar or <c>[3]</c>.</param>
    /// <param name="dtype">Expected value type.</param>
    /// <param name="defaultValue">Used when an example lacks the feature: a scalar (broadcast) or exactly shape-many values
    /// (long/int/float/double, string/byte[], or arrays of those). Null makes the feature required.</param>
    public FixedLenFeature(long[] shape, FeatureType dtype, object? defaultValue = null) : base(dtype)
    {
        Shape = CheckShape(shape, nameof(shape));
        DefaultValue = defaultValue;
        Default = defaultValue is null ? null : DefaultValues.Convert(defaultValue, dtype, nameof(defaultValue));
        long size = ShapeSize;
        if (Default is not null && Default.Count != 1 && Default.Count != size)
            throw new ArgumentException($"defaultValue has {Default.Count} values but shape [{string.Join(", ", Shape)}] needs {size} (or 1 to broadcast).", nameof(defaultValue));
    }

    /// <summary>Shape of the parsed value for one example.</summary>
    public long[] Shape { get; }

    /// <summary>The default as given, or null if the feature is required.</summary>
    public object? DefaultValue { get; }

    internal DefaultValues? Default { get; }

    internal long ShapeSize => Shape.Aggregate(1L, (a, b) => a * b);

    /// <inheritdoc/>
    public override string ToString() => $"FixedLenFeature([{string.Join(", ", Shape)}], {DTypeName}{(DefaultValue is null ? "" : ", default")})";
}
