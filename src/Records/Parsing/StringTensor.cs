using System.Collections;
using System.Runtime.InteropServices;
using System.Text;

namespace Pipeline.Records;

/// <summary>
/// A dense array of byte strings (a <c>tf.string</c> tensor): TorchSharp has no string dtype, so parsed
/// string features come back as this — a shape and the values in row-major order.
/// </summary>
/// <remarks>
/// A parsed value may be a view of the serialized record rather than a copy (see
/// <see cref="ExampleParser.ParseSingleExample(byte[], IReadOnlyDictionary{string, FeatureSpec})"/>): <see cref="ValueMemory"/>
/// reads it in place, <see cref="Values"/> hands out a <c>byte[]</c>, copying a view once on first access.
/// </remarks>
public sealed class StringTensor
{
    private readonly ReadOnlyMemory<byte>[] _memory;
    private readonly byte[]?[] _arrays;   // Values, filled on first access (a view is copied once)

    /// <summary>Wraps <paramref name="values"/> (row-major) with <paramref name="shape"/>.</summary>
    /// <param name="shape">Dimensions; their product must equal the number of values.</param>
    /// <param name="values">The byte strings, row-major.</param>
    public StringTensor(long[] shape, IReadOnlyList<byte[]> values)
        : this(shape, ToMemory(values), ToArrays(values))
    {
    }

    /// <summary>Values that may be views of larger arrays (a parsed record's bytes); not copied.</summary>
    internal StringTensor(long[] shape, ReadOnlyMemory<byte>[] values)
        : this(shape, values, new byte[]?[values.Length])
    {
    }

    private StringTensor(long[] shape, ReadOnlyMemory<byte>[] memory, byte[]?[] arrays)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long size = 1;
        foreach (var d in shape) size *= d;
        if (size != memory.Length)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {size} values but {memory.Length} were given.", "values");
        Shape = (long[])shape.Clone();
        _memory = memory;
        _arrays = arrays;
        Values = new ArrayList(this);
    }

    /// <summary>Dimensions (empty for a scalar).</summary>
    public long[] Shape { get; }

    /// <summary>The values in row-major order, as arrays (a value parsed as a view of its record is copied on first access).</summary>
    public IReadOnlyList<byte[]> Values { get; }

    /// <summary>The values in row-major order without copying: parsed values may be views of the record they came from.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> ValueMemory => _memory;

    /// <summary>The number of values.</summary>
    internal int Count => _memory.Length;

    private static ReadOnlyMemory<byte>[] ToMemory(IReadOnlyList<byte[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var memory = new ReadOnlyMemory<byte>[values.Count];
        for (var i = 0; i < memory.Length; i++) memory[i] = values[i] ?? throw new ArgumentNullException($"values[{i}]");
        return memory;
    }

    private static byte[]?[] ToArrays(IReadOnlyList<byte[]> values)
    {
        var arrays = new byte[]?[values.Count];
        for (var i = 0; i < arrays.Length; i++) arrays[i] = values[i];
        return arrays;
    }

    private byte[] ArrayAt(int index)
    {
        if (_arrays[index] is { } done) return done;
        var m = _memory[index];
        // A value that spans a whole array is that array; a view is copied once (racing readers agree on one copy).
        var array = m.IsEmpty ? []
            : MemoryMarshal.TryGetArray(m, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array
            : m.ToArray();
        return Interlocked.CompareExchange(ref _arrays[index], array, null) ?? array;
    }

    /// <summary><see cref="Values"/>: arrays made from the memory on demand.</summary>
    private sealed class ArrayList(StringTensor owner) : IReadOnlyList<byte[]>
    {
        public byte[] this[int index] => (uint)index < (uint)owner._memory.Length ? owner.ArrayAt(index) : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => owner._memory.Length;

        public IEnumerator<byte[]> GetEnumerator()
        {
            for (var i = 0; i < owner._memory.Length; i++) yield return owner.ArrayAt(i);
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The only value of a scalar or one-element tensor (TF's <c>.numpy()</c> on a scalar string).</summary>
    /// <returns>The bytes.</returns>
    public byte[] Item() => _memory.Length == 1 ? ArrayAt(0)
        : throw new InvalidOperationException($"Item() needs exactly one value; this string tensor has shape [{string.Join(", ", Shape)}] ({_memory.Length} values).");

    /// <summary>The only value of a scalar or one-element tensor, without copying (a view of the parsed record where the parser kept one).</summary>
    /// <returns>The bytes.</returns>
    public ReadOnlyMemory<byte> ItemMemory() => _memory.Length == 1 ? _memory[0]
        : throw new InvalidOperationException($"ItemMemory() needs exactly one value; this string tensor has shape [{string.Join(", ", Shape)}] ({_memory.Length} values).");

    /// <summary>The values decoded as UTF-8, row-major.</summary>
    /// <returns>One string per value.</returns>
    public string[] ToStrings() => Array.ConvertAll(_memory, v => Encoding.UTF8.GetString(v.Span));

    /// <inheritdoc/>
    public override string ToString() => $"StringTensor(shape=[{string.Join(", ", Shape)}], {_memory.Length} values)";

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
        var values = new ReadOnlyMemory<byte>[items.Length * size];   // padding: empty strings
        for (var i = 0; i < items.Length; i++)
        {
            var shape = items[i].Shape;
            var from = items[i]._memory;
            for (var k = 0; k < from.Length; k++)
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
        return new StringTensor([items.Length, .. target], values);
    }

    /// <summary>The rows along the first axis.</summary>
    internal object[] Unbatch()
    {
        var rowShape = Shape[1..];
        var size = (int)rowShape.Aggregate(1L, (a, b) => a * b);
        return [.. Enumerable.Range(0, (int)Shape[0]).Select(i => (object)new StringTensor(rowShape, _memory.AsSpan(i * size, size).ToArray()))];
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(Shape.Length);
        foreach (var d in Shape) writer.Write(d);
        writer.Write(_memory.Length);
        foreach (var v in _memory)
        {
            writer.Write(v.Length);
            writer.Write(v.Span);
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
