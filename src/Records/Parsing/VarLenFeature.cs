namespace Pipeline.Records;

/// <summary>
/// A feature with any number of values, parsed into a <see cref="SparseFeature"/> (<c>tf.io.VarLenFeature(dtype)</c>).
/// A missing feature gives no values.
/// </summary>
public sealed class VarLenFeature : FeatureSpec
{
    /// <summary>Describes a variable-length feature.</summary>
    /// <param name="dtype">Expected value type.</param>
    public VarLenFeature(FeatureType dtype) : base(dtype)
    {
    }

    /// <inheritdoc/>
    public override string ToString() => $"VarLenFeature({DTypeName})";
}
