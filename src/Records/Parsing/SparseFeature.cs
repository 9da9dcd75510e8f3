using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Records;

/// <summary>
/// A parsed <see cref="VarLenFeature"/> (TensorFlow's <c>SparseTensor</c>): <see cref="Indices"/> of shape
/// <c>[nnz, rank]</c> (TF's layout), the values, and <see cref="DenseShape"/>.
/// Numeric values are in <see cref="Values"/>; string values in <see cref="StringValues"/>.
/// </summary>
public sealed class SparseFeature : IDisposable, IElementStructure
{
    internal SparseFeature(Tensor indices, Tensor? values, IReadOnlyList<byte[]>? stringValues, long[] denseShape, FeatureType dtype)
    {
        Indices = indices;
        Values = values;
        StringValues = stringValues;
        DenseShape = denseShape;
        DType = dtype;
    }

    /// <summary>int64 tensor <c>[nnz, rank]</c>: the coordinates of each value, row-major order.</summary>
    public Tensor Indices { get; }

    /// <summary>int64 or float32 tensor <c>[nnz]</c>; null for string features.</summary>
    public Tensor? Values { get; }

    /// <summary>The values of a string feature, in the order of <see cref="Indices"/>; null for numeric features.</summary>
    public IReadOnlyList<byte[]>? StringValues { get; }

    /// <summary>Shape of the dense equivalent, e.g. <c>[batch, maxLength]</c>.</summary>
    public long[] DenseShape { get; }

    /// <summary>The value type.</summary>
    public FeatureType DType { get; }

    /// <summary>Number of stored values.</summary>
    public long Count => Indices.shape[0];

    /// <summary>The dense tensor with missing positions set to <paramref name="defaultValue"/> (<c>tf.sparse.to_dense</c>); numeric features only.</summary>
    /// <param name="defaultValue">Fill value for positions with no value.</param>
    /// <returns>A new tensor owned by the caller.</returns>
    public Tensor ToDense(double defaultValue = 0)
    {
        if (Values is null) throw new InvalidOperationException("ToDense() works on numeric features; this one holds strings (use StringValues).");
        // Scalars are held for the whole native call: a temporary one may be finalized while libtorch reads it (TorchSharp 0.107).
        using var fill = defaultValue.ToScalar();
        var dense = torch.full(DenseShape, fill, dtype: Values.dtype);
        if (Count > 0)
        {
            var idx = Indices.t();
            var flat = torch.zeros(Count, dtype: ScalarType.Int64);
            long stride = 1;
            for (int d = DenseShape.Length - 1; d >= 0; d--)
            {
                using var column = idx[d];
                using var alpha = stride.ToScalar();
                flat.add_(column, alpha);
                stride *= DenseShape[d];
            }
            dense.view(-1).index_put_(Values, flat);
            flat.Dispose();
            idx.Dispose();
        }
        return dense;
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        Indices.Dispose();
        Values?.Dispose();
    }

    /// <inheritdoc/>
    public IEnumerable<object> Components => Values is null ? [Indices] : [Indices, Values];

    /// <inheritdoc/>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write((int)DType);
        writer.Write(DenseShape.Length);
        foreach (var d in DenseShape) writer.Write(d);
        ElementCodec.Write(writer, Indices);
        if (Values is not null) ElementCodec.Write(writer, Values);
        else
        {
            writer.Write(StringValues!.Count);
            foreach (var v in StringValues) { writer.Write(v.Length); writer.Write(v); }
        }
    }

    internal static SparseFeature Read(BinaryReader reader)
    {
        var dtype = (FeatureType)reader.ReadInt32();
        var shape = new long[reader.ReadInt32()];
        for (var d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
        var indices = ElementCodec.Read<Tensor>(reader);
        if (dtype != FeatureType.String) return new SparseFeature(indices, ElementCodec.Read<Tensor>(reader), null, shape, dtype);
        var strings = new byte[reader.ReadInt32()][];
        for (var i = 0; i < strings.Length; i++) strings[i] = reader.ReadBytes(reader.ReadInt32());
        return new SparseFeature(indices, null, strings, shape, dtype);
    }

    internal SparseFeature Share() => new(Indices.alias(), Values?.alias(), StringValues, DenseShape, DType);

    /// <summary>One sparse feature for a batch: each element's coordinates prefixed with its index in the batch (tf.data's rule).</summary>
    internal static SparseFeature Batch(SparseFeature[] items)
    {
        var rank = items[0].DenseShape.Length;
        var shape = new long[rank + 1];
        shape[0] = items.Length;
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i].DenseShape.Length != rank)
                throw new InvalidOperationException($"Batch: sparse features of different ranks: element 0 has dense shape [{string.Join(", ", items[0].DenseShape)}] but element {i} has [{string.Join(", ", items[i].DenseShape)}].");
            for (var d = 0; d < rank; d++) shape[d + 1] = Math.Max(shape[d + 1], items[i].DenseShape[d]);
        }
        using var scope = torch.NewDisposeScope();
        var parts = items.Select((x, b) => torch.cat([torch.full([x.Count, 1], b, dtype: ScalarType.Int64), x.Indices], 1)).ToArray();
        var indices = torch.cat(parts, 0).MoveToOuterDisposeScope();
        var values = items[0].Values is null ? null : torch.cat(items.Select(x => x.Values!).ToArray(), 0).MoveToOuterDisposeScope();
        var strings = items[0].StringValues is null ? null : items.SelectMany(x => x.StringValues!).ToArray();
        return new SparseFeature(indices, values, strings, shape, items[0].DType);
    }

    /// <summary>The rows of a batched sparse feature: the entries whose first coordinate is each batch index, without it.</summary>
    internal object[] Unbatch()
    {
        var n = DenseShape[0];
        var first = new long[Count];
        if (Count > 0) { using var column = Indices.select(1, 0).contiguous(); column.data<long>().CopyTo(first, 0); }
        var rows = new object[n];
        var start = 0;
        for (var b = 0; b < n; b++)
        {
            var end = start;
            while (end < first.Length && first[end] == b) end++;
            using var scope = torch.NewDisposeScope();
            var indices = Indices.narrow(0, start, end - start).narrow(1, 1, DenseShape.Length - 1).contiguous().MoveToOuterDisposeScope();
            var values = Values?.narrow(0, start, end - start).MoveToOuterDisposeScope();
            var strings = StringValues?.Skip(start).Take(end - start).ToArray();
            rows[b] = new SparseFeature(indices, values, strings, DenseShape[1..], DType);
            start = end;
        }
        if (start != first.Length)
            throw new InvalidOperationException($"Unbatch: the sparse feature's batch indices are not sorted or exceed its {n} rows.");
        return rows;
    }
}
