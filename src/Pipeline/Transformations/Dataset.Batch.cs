using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>dataset.batch(batch_size, drop_remainder)</c>: stacks <paramref name="batchSize"/> consecutive elements along a
    /// new first axis. Tensors, tuples of tensors (component-wise) and <c>Dictionary&lt;string, Tensor&gt;</c> records
    /// (key-wise) are stacked; elements of different shapes raise an error naming the component and both shapes.
    /// For other element types pass a collation to <see cref="Batch{T, TBatch}(Dataset{T}, int, Func{IReadOnlyList{T}, TBatch}, bool)"/>.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="batchSize">Elements per batch; at least 1.</param>
    /// <param name="dropRemainder">Drop a last batch smaller than <paramref name="batchSize"/> (gives a known static batch dimension).</param>
    public static Dataset<T> Batch<T>(this Dataset<T> dataset, int batchSize, bool dropRemainder = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchSize(batchSize);
        if (!Collation.Supports(typeof(T)))
            throw new NotSupportedException(
                $"Batch: elements of type {typeof(T).Name} cannot be stacked; Batch stacks Tensor, tuples of Tensor and Dictionary<string, Tensor>. " +
                "Map the elements to tensors first, or pass a collation: Batch(batchSize, collate: items => ...).");
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
