using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>dataset.filter(predicate)</c>: keeps the elements for which <paramref name="predicate"/> is true (the others
    /// are disposed). A predicate that draws random numbers (a random subsample) is a random step for <c>Lint()</c>.
    /// </summary>
    public static Dataset<T> Filter<T>(this Dataset<T> dataset, Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(predicate);
        return new FilterDataset<T>(dataset, predicate, FunctionNames.Of(predicate), RandomTraits(predicate));
    }

    /// <summary><c>filter(lambda x, y: ...)</c> for pairs, unpacked into two arguments.</summary>
    public static Dataset<(T1, T2)> Filter<T1, T2>(this Dataset<(T1, T2)> dataset, Func<T1, T2, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(predicate);
        return new FilterDataset<(T1, T2)>(dataset, e => predicate(e.Item1, e.Item2), FunctionNames.Of(predicate), RandomTraits(predicate));
    }

    /// <summary><c>dataset.flat_map(f)</c>: maps each element to a dataset and yields all of its elements, in order.</summary>
    public static Dataset<TOut> FlatMap<TIn, TOut>(this Dataset<TIn> dataset, Func<TIn, Dataset<TOut>> function)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(function);
        return new FlatMapDataset<TIn, TOut>(dataset, function, FunctionNames.Of(function), RandomTraits(function));
    }

    /// <summary>
    /// <c>dataset.interleave(f, cycle_length, block_length, num_parallel_calls, deterministic)</c>: reads
    /// <paramref name="cycleLength"/> inner datasets at once, <paramref name="blockLength"/> elements from each in turn
    /// (typically one file per input element: <c>ListFiles(...).Interleave(f => TFRecordDataset(f), numParallelCalls: Autotune)</c>).
    /// </summary>
    /// <param name="dataset">The input (e.g. file names).</param>
    /// <param name="function">Makes the inner dataset of one input element.</param>
    /// <param name="cycleLength">Inner datasets open at once; <see cref="Autotune"/> (default) uses the processor count.</param>
    /// <param name="blockLength">Consecutive elements taken from one inner dataset before moving to the next.</param>
    /// <param name="numParallelCalls">1 (default) reads inner datasets on the consumer's thread; otherwise each open inner dataset runs ahead on a background thread.</param>
    /// <param name="deterministic">With parallel calls: true keeps tf.data's cycle order; false lets an inner dataset with
    /// elements ready take over from one that has none (a slow file does not stall the others); null follows
    /// <see cref="DatasetOptions.Deterministic"/>.</param>
    public static Dataset<TOut> Interleave<TIn, TOut>(this Dataset<TIn> dataset, Func<TIn, Dataset<TOut>> function, int cycleLength = Autotune,
        int blockLength = 1, int numParallelCalls = 1, bool? deterministic = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(function);
        CheckParallelism(cycleLength, nameof(cycleLength));
        CheckParallelism(numParallelCalls, nameof(numParallelCalls));
        if (blockLength < 1) throw new ArgumentOutOfRangeException(nameof(blockLength), blockLength, $"Interleave: blockLength must be at least 1, but was {blockLength}.");
        return new InterleaveDataset<TIn, TOut>(dataset, function, FunctionNames.Of(function), cycleLength, blockLength, numParallelCalls, deterministic);
    }

    /// <summary>
    /// <c>dataset.repeat(count)</c>: <paramref name="count"/> passes over the input, or forever when null or negative
    /// (tf.data treats any negative count as -1). Each pass is a new input iteration (a Shuffle above reshuffles).
    /// </summary>
    public static Dataset<T> Repeat<T>(this Dataset<T> dataset, long? count = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new RepeatDataset<T>(dataset, count < 0 ? null : count);
    }

    /// <summary><c>dataset.take(count)</c>: the first <paramref name="count"/> elements; any negative count takes all (tf.data's -1).</summary>
    /// <remarks>Takes an <see cref="int"/> so that <c>dataset.Take(3)</c> binds here rather than to LINQ's <c>Enumerable.Take</c>; see the <see cref="long"/> overload for larger counts.</remarks>
    public static Dataset<T> Take<T>(this Dataset<T> dataset, int count) => Take(dataset, (long)count);

    /// <summary><c>dataset.take(count)</c> with a 64-bit count.</summary>
    public static Dataset<T> Take<T>(this Dataset<T> dataset, long count)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new TakeDataset<T>(dataset, Math.Max(count, -1));
    }

    /// <summary><c>dataset.skip(count)</c>: all but the first <paramref name="count"/> elements; any negative count skips everything (tf.data's -1).</summary>
    /// <remarks>Takes an <see cref="int"/> so that <c>dataset.Skip(3)</c> binds here rather than to LINQ's <c>Enumerable.Skip</c>.</remarks>
    public static Dataset<T> Skip<T>(this Dataset<T> dataset, int count) => Skip(dataset, (long)count);

    /// <summary><c>dataset.skip(count)</c> with a 64-bit count.</summary>
    public static Dataset<T> Skip<T>(this Dataset<T> dataset, long count)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new SkipDataset<T>(dataset, Math.Max(count, -1));
    }

    /// <summary><c>dataset.shard(num_shards, index)</c>: elements <paramref name="index"/>, <paramref name="index"/> + <paramref name="numShards"/>, ... (one worker's share).</summary>
    public static Dataset<T> Shard<T>(this Dataset<T> dataset, long numShards, long index)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (numShards < 1) throw new ArgumentOutOfRangeException(nameof(numShards), numShards, $"Shard: numShards must be at least 1, but was {numShards}.");
        if (index < 0 || index >= numShards) throw new ArgumentOutOfRangeException(nameof(index), index, $"Shard: index must be in [0, {numShards}), but was {index}.");
        return new ShardDataset<T>(dataset, numShards, index);
    }

    /// <summary><c>dataset.enumerate(start)</c>: (index, element) pairs.</summary>
    public static Dataset<(long Index, T Element)> Enumerate<T>(this Dataset<T> dataset, long start = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new EnumerateDataset<T>(dataset, start);
    }

    /// <summary>
    /// <c>dataset.cache(filename)</c>: the first complete iteration stores the elements, later ones replay them without
    /// running the steps above. In memory when <paramref name="filename"/> is null or empty, else in that file (kept
    /// across runs; delete it when the data changes). A partial first iteration is discarded, never served as complete.
    /// Put Cache after expensive deterministic steps and before random ones.
    /// </summary>
    public static Dataset<T> Cache<T>(this Dataset<T> dataset, string? filename = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new CacheDataset<T>(dataset, filename);
    }

    /// <summary>
    /// <c>dataset.snapshot(path)</c>: saves the elements in the directory <paramref name="path"/> as the first iteration
    /// produces them; once an iteration completed, later iterations and later runs read them from disk instead of
    /// running the steps above. An iteration that stops early leaves the chunks it finished (files of about 64 MiB), and
    /// the next iteration resumes from them, so the input must yield the same elements in the same order each time.
    /// An unfinished snapshot is never read as complete; a damaged one is an error naming the file and byte offset; a
    /// different pipeline writing to the same path is refused. Delete the directory when the data changes.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="path">The snapshot's directory (created if needed).</param>
    public static Dataset<T> Snapshot<T>(this Dataset<T> dataset, string path)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new SnapshotDataset<T>(dataset, path, DefaultSnapshotChunkBytes);
    }

    /// <summary>Chunk files close at about this size.</summary>
    internal const long DefaultSnapshotChunkBytes = 64L << 20;

    /// <summary><c>dataset.apply(f)</c>: <c>f(dataset)</c>, to package a sequence of transformations as one reusable function.</summary>
    public static Dataset<TOut> Apply<T, TOut>(this Dataset<T> dataset, Func<Dataset<T>, Dataset<TOut>> transformation)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(transformation);
        return transformation(dataset) ?? throw new InvalidOperationException("Apply: the transformation returned null instead of a dataset.");
    }

    /// <summary><c>dataset.with_options(options)</c>: the options every step of this pipeline runs under.</summary>
    public static Dataset<T> WithOptions<T>(this Dataset<T> dataset, DatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ThreadPoolSize != Autotune && options.ThreadPoolSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ThreadPoolSize, "WithOptions: ThreadPoolSize must be at least 1 or Dataset.Autotune.");
        return new OptionsDataset<T>(dataset, options);
    }

    /// <summary>
    /// <c>dataset.unbatch()</c>: splits each batch along its first axis (elements are views of the batch): tensors,
    /// tuples, <c>Dictionary&lt;string, Tensor&gt;</c> records and <see cref="IElementStructure{TSelf}"/> types.
    /// </summary>
    public static Dataset<T> Unbatch<T>(this Dataset<T> dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new UnbatchDataset<T>(dataset);
    }

    /// <summary>
    /// <c>dataset.window(size, shift, stride, drop_remainder)</c>: windows of <paramref name="size"/> elements starting
    /// every <paramref name="shift"/> elements, taking every <paramref name="stride"/>-th. Unlike TF, a window is an array
    /// rather than a nested dataset; its elements are owned by the receiver (tensors shared by overlapping windows are
    /// separate aliases of the same storage).
    /// </summary>
    public static Dataset<T[]> Window<T>(this Dataset<T> dataset, int size, int? shift = null, int stride = 1, bool dropRemainder = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, $"Window: size must be at least 1, but was {size}.");
        if (shift is < 1) throw new ArgumentOutOfRangeException(nameof(shift), shift, $"Window: shift must be at least 1, but was {shift}.");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"Window: stride must be at least 1, but was {stride}.");
        return new WindowDataset<T>(dataset, size, shift ?? size, stride, dropRemainder);
    }

    /// <summary>
    /// <c>dataset.padded_batch(batch_size, padded_shapes, padding_values)</c>: like Batch, but tensors of different
    /// shapes are padded with <paramref name="paddingValue"/> to the largest size in the batch along each axis (or to
    /// <paramref name="paddedShape"/>, where -1 means "largest in the batch"). Without a padded shape, the overload for
    /// any element type applies.
    /// </summary>
    public static Dataset<Tensor> PaddedBatch(this Dataset<Tensor> dataset, int batchSize, long[]? paddedShape, double paddingValue = 0, bool dropRemainder = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchSize(batchSize);
        var stage = $"PaddedBatch({batchSize})";
        return new BatchDataset<Tensor, Tensor>(dataset, batchSize, dropRemainder, items => PaddedBatching.Pad(items, paddedShape, paddingValue, stage, null),
            builtInCollation: true, collateName: null, stepName: "PaddedBatch", sliceFusion: false, describe: s =>
            {
                if (paddedShape is not null) s.With("paddedShape", "[" + string.Join(", ", paddedShape) + "]");
                if (paddingValue != 0) s.With("paddingValue", paddingValue);
            });
    }

    /// <summary>
    /// <c>padded_batch</c> for any element <c>Batch</c> stacks (tuples, <c>Dictionary&lt;string, Tensor&gt;</c>, parsed
    /// Examples and other <see cref="IElementStructure{TSelf}"/> types): each tensor component is padded separately to
    /// the longest in the batch along every axis.
    /// </summary>
    public static Dataset<T> PaddedBatch<T>(this Dataset<T> dataset, int batchSize, double paddingValue = 0, bool dropRemainder = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckBatchSize(batchSize);
        if (!Collation.Supports(typeof(T)))
            throw new NotSupportedException($"PaddedBatch: elements of type {typeof(T).Name} cannot be padded; PaddedBatch pads Tensor, tuples of Tensor, Dictionary<string, Tensor> and IElementStructure<T> types.");
        var stage = $"PaddedBatch({batchSize})";
        return new BatchDataset<T, T>(dataset, batchSize, dropRemainder, items => Collation.CollatePadded(items, paddingValue, stage),
            builtInCollation: true, collateName: null, stepName: "PaddedBatch", sliceFusion: false, describe: s =>
            {
                if (paddingValue != 0) s.With("paddingValue", paddingValue);
            });
    }
}
