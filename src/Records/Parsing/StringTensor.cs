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

    /// <summary>Stacks string tensors along a new first axis, padding with empty strings to the longest when <paramref name="padded"/>.</summary>
    internal static StringTensor Batch(StringTensor[] items, bool padded, string stage, string key)
    {
        var rank = items[0].Shape.Length;
        var target = (long[])items[0].Shape.Clone();
        for (var i = 1; i < items.Length; i++)
        {
            var shape = items[i].Shape;
            if (shape.Length != rank || (!padded && !shape.AsSpan().SequenceEqual(target)))
                throw new InvalidOperationException($"{stage}: cannot {(padded ? "pad" : "stack")} feature '{key}': element 0 has shape [{string.Join(", ", items[0].Shape)}] but element {i} has shape [{string.Join(", ", shape)}]." +
                    (padded ? "" : " Use PaddedBatch, or parse it with a fixed shape."));
            for (var d = 0; d < rank; d++) target[d] = Math.Max(target[d], shape[d]);
        }
        var size = target.Aggregate(1L, (a, b) => a * b);
        var values = new byte[items.Length * size][];
        for (var i = 0; i < items.Length; i++)
        {
            var shape = items[i].Shape;
            var from = items[i].Values;
            for (var k = 0; k < from.Count; k++)
            {
                // Row-major index k in the element's shape, placed at the same coordinates in the (padded) target shape.
                long rest = k, offset = 0, stride = 1;
                for (var d = rank - 1; d >= 0; d--)
                {
                    offset += rest % shape[d] * stride;
                    rest /= shape[d];
                    stride *= target[d];
                }
                values[i * size + offset] = from[k];
            }
        }
        for (var v = 0; v < values.Length; v++) values[v] ??= [];
        return new StringTensor([items.Length, .. target], values);
    }

    /// <summary>The rows along the first axis.</summary>
    internal object[] Unbatch()
    {
        var rowShape = Shape[1..];
        var size = (int)rowShape.Aggregate(1L, (a, b) => a * b);
        return [.. Enumerable.Range(0, (int)Shape[0]).Select(i => (object)new StringTensor(rowShape, Values.Skip(i * size).Take(size).ToArray()))];
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(Shape.Length);
        foreach (var d in Shape) writer.Write(d);
        writer.Write(Values.Count);
        foreach (var v in Values)
        {
            writer.Write(v.Length);
            writer.Write(v);
        }
    }

    internal static StringTensor Read(BinaryReader reader)
    {
        var shape = new long[reader.ReadInt32()];
        for (var d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
        var values = new byte[reader.ReadInt32()][];
        for (var i = 0; i < values.Length; i++) values[i] = reader.ReadBytes(reader.ReadInt32());
        return new StringTensor(shape, values);
    }
}
