using System.Text;

namespace Pipeline.Records;

/// <summary>
/// A dense array of byte strings (a <c>tf.string</c> tensor): TorchSharp has no string dtype, so parsed
/// string features come back as this — a shape and the values in row-major order.
/// </summary>
public sealed class StringTensor
{
    /// <summary>Wraps <paramref name="values"/> (row-major) with <paramref name="shape"/>.</summary>
    /// <param name="shape">Dimensions; their product must equal the number of values.</param>
    /// <param name="values">The byte strings, row-major.</param>
    public StringTensor(long[] shape, IReadOnlyList<byte[]> values)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        long size = shape.Aggregate(1L, (a, b) => a * b);
        if (size != values.Count)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {size} values but {values.Count} were given.", nameof(values));
        Shape = (long[])shape.Clone();
        Values = values;
    }

    /// <summary>Dimensions (empty for a scalar).</summary>
    public long[] Shape { get; }

    /// <summary>The values in row-major order.</summary>
    public IReadOnlyList<byte[]> Values { get; }

    /// <summary>The only value of a scalar or one-element tensor (TF's <c>.numpy()</c> on a scalar string).</summary>
    /// <returns>The bytes.</returns>
    public byte[] Item() => Values.Count == 1 ? Values[0]
        : throw new InvalidOperationException($"Item() needs exactly one value; this string tensor has shape [{string.Join(", ", Shape)}] ({Values.Count} values).");

    /// <summary>The values decoded as UTF-8, row-major.</summary>
    /// <returns>One string per value.</returns>
    public string[] ToStrings() => Values.Select(v => Encoding.UTF8.GetString(v)).ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"StringTensor(shape=[{string.Join(", ", Shape)}], {Values.Count} values)";
}
