using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>dataset.batch(batch_size, drop_remainder)</c>: stacks <paramref name="batchSize"/> consecutive elements along a
    /// new first axis. Tensors, tuples (component-wise, nested too), <c>Dictionary&lt;string, Tensor&gt;</c> records
    /// (key-wise) and <see cref="IElementStructure{TSelf}"/> types such as parsed Examples are stacked; elements of
    /// different shapes raise an error naming the component and both shapes. Scalars (<c>long</c>, <c>float</c>, ... and
    /// pairs of them, as <c>FromTensorSlices(float[], long[])</c> yields) batch into 1-D tensors through the overloads
    /// below. For other element types pass a collation to
    /// <see cref="Batch{T, TBatch}(Dataset{T}, int, Func{IReadOnlyList{T}, TBatch}, bool)"/>.
    /// </summary>
    /// <remarks>The batch is a new element owned by the receiver; the step disposes the elements it stacked.</remarks>
    /// <param name="dataset">The input.</param>
    /// <param name="batchSize">Elements per batch; at least 1.</param>
    /// <param name="dropRemainder">Drop a last batch smaller than <paramref name="batchSize"/> (gives a known static batch dimension).</param>
    public static Dataset<T> Batch<T>(this Dataset<T> dataset, int batchSize, bool dropRemainder = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchSize(batchSize);
        if (!Collation.Supports(typeof(T)))
            throw new NotSupportedException(
                $"Batch: elements of type {typeof(T).Name} cannot be stacked; Batch stacks Tensor, tuples of Tensor, Dictionary<string, Tensor>, " +
                "IElementStructure<T> types (such as parsed Examples) and scalars. Map the elements to tensors first, or pass a collation: Batch(batchSize, collate: items => ...).");
        return new BatchDataset<T, T>(dataset, batchSize, dropRemainder, items => Collation.Collate(items, $"Batch({batchSize})"), builtInCollation: true, collateName: null);
    }

    /// <summary><c>batch</c> with your own collation: <paramref name="collate"/> turns each group of elements into one batch.</summary>
    /// <param name="dataset">The input.</param>
    /// <param name="batchSize">Elements per batch; at least 1.</param>
    /// <param name="collate">Builds a batch from 1..<paramref name="batchSize"/> elements; the step disposes the parts of them the batch does not contain.</param>
    /// <param name="dropRemainder">Drop a last batch smaller than <paramref name="batchSize"/>.</param>
    public static Dataset<TBatch> Batch<T, TBatch>(this Dataset<T> dataset, int batchSize, Func<IReadOnlyList<T>, TBatch> collate, bool dropRemainder = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(collate);
        CheckBatchSize(batchSize);
        return new BatchDataset<T, TBatch>(dataset, batchSize, dropRemainder, collate, builtInCollation: false, collateName: FunctionNames.Of(collate));
    }

    /// <summary><c>batch</c> for scalar elements: a 1-D int64 tensor per batch.</summary>
    /// <param name="dataset">The input.</param>
    /// <param name="batchSize">Elements per batch; at least 1.</param>
    /// <param name="dropRemainder">Drop a last batch smaller than <paramref name="batchSize"/>.</param>
    public static Dataset<Tensor> Batch(this Dataset<long> dataset, int batchSize, bool dropRemainder = false) =>
        ScalarBatch(dataset, batchSize, dropRemainder, a => torch.tensor(a));

    /// <summary><c>batch</c> for scalar elements: a 1-D int32 tensor per batch.</summary>
    /// <param name="dataset">The input.</param>
    /// <param name="batchSize">Elements per batch; at least 1.</param>
    /// <param name="dropRemainder">Drop a last batch smaller than <paramref name="batchSize"/>.</param>
    public static Dataset<Tensor> Batch(this Dataset<int> dataset, int batchSize, bool dropRemainder = false) =>
        ScalarBatch(dataset, batchSize, dropRemainder, a => torch.tensor(a));

    /// <summary><c>batch</c> for scalar elements: a 1-D float32 tensor per batch.</summary>
    /// <param name="dataset">The input.</param>
    /// <param name="batchSize">Elements per batch; at least 1.</param>
    /// <param name="dropRemainder">Drop a last batch smaller than <paramref name="batchSize"/>.</param>
    public static Dataset<Tensor> Batch(this Dataset<float> dataset, int batchSize, bool dropRemainder = false) =>
        ScalarBatch(dataset, batchSize, dropRemainder, a => torch.tensor(a));

    /// <summary><c>batch</c> for scalar elements: a 1-D float64 tensor per batch.</summary>
    /// <param name="dataset">The input.</param>
    /// <param name="batchSize">Elements per batch; at least 1.</param>
    /// <param name="dropRemainder">Drop a last batch smaller than <paramref name="batchSize"/>.</param>
    public static Dataset<Tensor> Batch(this Dataset<double> dataset, int batchSize, bool dropRemainder = false) =>
        ScalarBatch(dataset, batchSize, dropRemainder, a => torch.tensor(a));

    /// <summary>
    /// <c>batch</c> for pairs of scalars, e.g. the elements of <c>FromTensorSlices(float[] x, long[] y)</c>: each
    /// component becomes a 1-D tensor per batch (tf.data's slices of arrays are scalar tensors that batch the same way).
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="batchSize">Elements per batch; at least 1.</param>
    /// <param name="dropRemainder">Drop a last batch smaller than <paramref name="batchSize"/>.</param>
    public static Dataset<(Tensor, Tensor)> Batch<T1, T2>(this Dataset<(T1, T2)> dataset, int batchSize, bool dropRemainder = false)
        where T1 : unmanaged where T2 : unmanaged
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchSize(batchSize);
        return new BatchDataset<(T1, T2), (Tensor, Tensor)>(dataset, batchSize, dropRemainder, items =>
        {
            var a = ScalarTensor(items.Select(i => i.Item1).ToArray());
            try { return (a, ScalarTensor(items.Select(i => i.Item2).ToArray())); }
            catch { a.Dispose(); throw; }
        }, builtInCollation: true, collateName: null);
    }

    /// <summary>
    /// <c>batch</c> for (tensor, scalar) pairs such as <c>Map(r =&gt; (image, label))</c> with a <c>long</c> label: the
    /// tensors are stacked and the scalars become a 1-D tensor.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="batchSize">Elements per batch; at least 1.</param>
    /// <param name="dropRemainder">Drop a last batch smaller than <paramref name="batchSize"/>.</param>
    public static Dataset<(Tensor, Tensor)> Batch<T2>(this Dataset<(Tensor, T2)> dataset, int batchSize, bool dropRemainder = false)
        where T2 : unmanaged
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchSize(batchSize);
        var stage = $"Batch({batchSize})";
        return new BatchDataset<(Tensor, T2), (Tensor, Tensor)>(dataset, batchSize, dropRemainder, items =>
        {
            var a = Collation.Collate<Tensor>([.. items.Select(i => i.Item1)], stage);
            try { return (a, ScalarTensor(items.Select(i => i.Item2).ToArray())); }
            catch { a.Dispose(); throw; }
        }, builtInCollation: true, collateName: null);
    }

    /// <summary>A 1-D tensor of scalars, with the dtype tf.data would give them (float32 for float, int64 for long, ...).</summary>
    static Tensor ScalarTensor<T>(T[] values) where T : unmanaged => values switch
    {
        float[] f => torch.tensor(f),
        double[] d => torch.tensor(d),
        long[] l => torch.tensor(l),
        int[] i => torch.tensor(i),
        short[] s => torch.tensor(s),
        byte[] b => torch.tensor(b),
        sbyte[] sb => torch.tensor(sb),
        bool[] z => torch.tensor(z),
        Half[] h => torch.tensor(h),
        _ => throw new NotSupportedException($"Batch: scalars of type {typeof(T).Name} have no tensor dtype; use float, double, long, int, short, byte, sbyte, bool or Half."),
    };

    static Dataset<Tensor> ScalarBatch<T>(Dataset<T> dataset, int batchSize, bool dropRemainder, Func<T[], Tensor> make)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchSize(batchSize);
        return new BatchDataset<T, Tensor>(dataset, batchSize, dropRemainder, items => make([.. items]), builtInCollation: true, collateName: null);
    }

    static void CheckBatchSize(int batchSize)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"Batch: batchSize must be at least 1, but was {batchSize}.");
    }
}
