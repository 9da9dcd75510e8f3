using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Records;

/// <summary>
/// A parsed <see cref="VarLenFeature"/> (TensorFlow's <c>SparseTensor</c>): <see cref="Indices"/> of shape
/// <c>[nnz, rank]</c> (TF's layout), the values, and <see cref="DenseShape"/>.
/// Numeric values are in <see cref="Values"/>; string values in <see cref="StringValues"/>.
/// </summary>
public sealed class SparseFeature : IDisposable
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
}
