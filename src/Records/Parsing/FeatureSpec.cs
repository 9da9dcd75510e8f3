namespace Pipeline.Records;

/// <summary>
/// How to parse one feature: <see cref="FixedLenFeature"/>, <see cref="VarLenFeature"/> or
/// <see cref="FixedLenSequenceFeature"/>, as in <c>tf.io</c>.
/// </summary>
public abstract class FeatureSpec
{
    private protected FeatureSpec(FeatureType dtype) => DType = dtype;

    /// <summary>The expected value type.</summary>
    public FeatureType DType { get; }

    /// <summary>TensorFlow's name of <see cref="DType"/> (string, int64, float), used in error messages.</summary>
    internal string DTypeName => DType switch { FeatureType.String => "string", FeatureType.Int64 => "int64", _ => "float" };

    internal static long[] CheckShape(long[] shape, string what)
    {
        ArgumentNullException.ThrowIfNull(shape, what);
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"{what} must have non-negative dimensions, got [{string.Join(", ", shape)}].", what);
        return (long[])shape.Clone();
    }
}
