using NumSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>dataset.reduce(initial_state, reduce_func)</c>: folds every element into a state, e.g. a sum or a count. Runs
    /// one iteration now and returns the final state, which the caller owns.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="initialState">The starting state; stays yours (the fold starts from a new handle on it).</param>
    /// <param name="reducer">(state, element) to the new state; it owns both arguments: the step disposes the tensors of
    /// the old state and of the element that the new state does not contain.</param>
    public static TState Reduce<T, TState>(this Dataset<T> dataset, TState initialState, Func<TState, T, TState> reducer)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(reducer);
        var stage = $"{dataset} -> Reduce({FunctionNames.Of(reducer)})";
        var state = Elements.Share(initialState);
        long index = 0;
        try
        {
            foreach (var x in dataset)
                state = Fold(state, x, reducer, stage, index++);
        }
        catch
        {
            Elements.Dispose(state);
            throw;
        }
        return state;
    }

    static TState Fold<T, TState>(TState state, T x, Func<TState, T, TState> reducer, string stage, long index)
    {
        TState next;
        try
        {
            next = Elements.RunScoped(s => reducer(s.State, s.X), (State: state, X: x));
        }
        catch (Exception e)
        {
            Elements.Dispose(x);
            throw new DatasetException(stage, index, e);
        }
        Elements.DisposeConsumed(x, next);
        Elements.DisposeConsumed(state, next);
        return next;
    }

    /// <summary>
    /// <c>dataset.scan(initial_state, scan_func)</c>: a running fold that yields one output per element, e.g. a running
    /// sum. Each iteration starts again from <paramref name="initialState"/>.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="initialState">The starting state of every iteration; stays yours.</param>
    /// <param name="scanner">(state, element) to (new state, output). The step disposes the tensors of the old state and
    /// of the element that neither the new state nor the output contains; the output belongs to the receiver, so return a
    /// separate handle (<c>alias()</c>) if a tensor is both state and output.</param>
    public static Dataset<TOut> Scan<T, TState, TOut>(this Dataset<T> dataset, TState initialState, Func<TState, T, (TState State, TOut Output)> scanner)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(scanner);
        var step = new PlanStep("Scan", StepKind.Map, InferTraits(scanner, FunctionNames.Of(scanner))).With("function", FunctionNames.Of(scanner), positional: true);
        return new IteratorTransformDataset<T, TOut>(dataset, step, Run, n => n);

        IEnumerable<TOut> Run(Dataset<T> input, IterationContext context)
        {
            var state = Elements.Share(initialState);
            long index = 0;
            try
            {
                foreach (var x in input.Read(context))
                {
                    (TState State, TOut Output) next;
                    try
                    {
                        next = Elements.RunScoped(s => scanner(s.State, s.X), (State: state, X: x));
                    }
                    catch (Exception e)
                    {
                        Elements.Dispose(x);
                        throw new DatasetException($"Scan({FunctionNames.Of(scanner)})", index, e);
                    }
                    index++;
                    Elements.DisposeConsumed(x, next);
                    Elements.DisposeConsumed(state, next);
                    state = next.State;
                    yield return next.Output;
                }
            }
            finally
            {
                Elements.Dispose(state);
            }
        }
    }

    /// <summary>
    /// <c>dataset.unique()</c>: each distinct element once, in order of first appearance. For elements compared by
    /// value (numbers, strings, tuples of them), as tf.data allows only int and string elements.
    /// </summary>
    public static Dataset<T> Unique<T>(this Dataset<T> dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (Elements.HoldsResources<T>())
            throw new NotSupportedException($"Unique: elements of type {typeof(T).Name} hold tensors, which are not compared by value; map them to numbers or strings first (tf.data's unique takes int and string elements).");
        var step = new PlanStep("Unique", StepKind.Filter);
        return new IteratorTransformDataset<T, T>(dataset, step, Run, n => n == InfiniteCardinality ? n : UnknownCardinality);

        static IEnumerable<T> Run(Dataset<T> input, IterationContext context)
        {
            var seen = new HashSet<T>();
            foreach (var x in input.Read(context))
                if (seen.Add(x)) yield return x;
        }
    }

    /// <summary>
    /// <c>dataset.ignore_errors(log_warning)</c>: elements whose <c>Map</c> or <c>Filter</c> function throws are dropped
    /// instead of ending the iteration (every step between the source and here). Errors of other steps (a corrupt file,
    /// a failing source) still end it. This loses data by design: count or log what is dropped.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="logWarning">Write one line per dropped element to standard error (the step, the element index and the message).</param>
    public static Dataset<T> IgnoreErrors<T>(this Dataset<T> dataset, bool logWarning = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var step = new PlanStep("IgnoreErrors", StepKind.Filter);
        if (logWarning) step.With("logWarning", true);
        return new IteratorTransformDataset<T, T>(dataset, step, (input, context) => input.Read(context.WithErrorHandler(logWarning ? LogDropped : IgnoreDropped)),
            n => n == InfiniteCardinality ? n : UnknownCardinality);
    }

    static void IgnoreDropped(DatasetException error) { }

    static void LogDropped(DatasetException error) => Console.Error.WriteLine($"IgnoreErrors: dropped an element: {error.Message}");

    /// <summary>
    /// <c>dataset.group_by_window(key_func, reduce_func, window_size)</c>: sorts elements into groups by key; each time a
    /// group holds <paramref name="windowSize"/> elements (and, at the end, for every group left) it is passed to
    /// <paramref name="reducer"/> as a dataset, and the elements of what that returns are yielded.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="keySelector">The group of an element (tf.data's int64 key).</param>
    /// <param name="reducer">(key, window dataset) to a dataset, typically <c>window.Batch(windowSize)</c>. The window's
    /// elements are handed over by it: the step frees the originals once the returned dataset is read.</param>
    /// <param name="windowSize">Elements per window; at least 1.</param>
    public static Dataset<TOut> GroupByWindow<T, TOut>(this Dataset<T> dataset, Func<T, long> keySelector, Func<long, Dataset<T>, Dataset<TOut>> reducer, int windowSize)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentNullException.ThrowIfNull(reducer);
        if (windowSize < 1) throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, $"GroupByWindow: windowSize must be at least 1, but was {windowSize}.");
        var step = new PlanStep("GroupByWindow", StepKind.Batch).With("key", FunctionNames.Of(keySelector), positional: true)
            .With("reduce", FunctionNames.Of(reducer), positional: true).With("windowSize", windowSize);
        return GroupByWindow(dataset, keySelector, reducer, _ => windowSize, step);
    }

    /// <summary>GroupByWindow with a window size per key (tf.data's window_size_func).</summary>
    static Dataset<TOut> GroupByWindow<T, TOut>(Dataset<T> dataset, Func<T, long> keySelector, Func<long, Dataset<T>, Dataset<TOut>> reducer, Func<long, int> windowSizeOf, PlanStep step)
    {
        return new IteratorTransformDataset<T, TOut>(dataset, step, Run);

        IEnumerable<TOut> Run(Dataset<T> input, IterationContext context)
        {
            var groups = new Dictionary<long, List<T>>();
            try
            {
                foreach (var x in input.Read(context))
                {
                    long key;
                    try { key = keySelector(x); }
                    catch (Exception e) { Elements.Dispose(x); throw new DatasetException(step.ToString(), -1, e); }
                    if (!groups.TryGetValue(key, out var group)) groups[key] = group = [];
                    group.Add(x);
                    if (group.Count < windowSizeOf(key)) continue;
                    groups.Remove(key);
                    foreach (var y in Reduce(key, group, context)) yield return y;
                }
                foreach (var key in groups.Keys.ToList())
                {
                    var group = groups[key];
                    groups.Remove(key);
                    foreach (var y in Reduce(key, group, context)) yield return y;
                }
            }
            finally
            {
                foreach (var left in groups.Values.SelectMany(g => g)) Elements.Dispose(left);
            }
        }

        IEnumerable<TOut> Reduce(long key, List<T> window, IterationContext context)
        {
            try
            {
                var windowStep = new PlanStep("Window", StepKind.Source).With("key", key, positional: true).With("size", window.Count);
                var windowDataset = new IteratorDataset<T>(windowStep, _ => window.Select(Elements.Share), window.Count);
                Dataset<TOut> reduced;
                try { reduced = reducer(key, windowDataset); }
                catch (Exception e) { throw new DatasetException(step.ToString(), key, e); }
                foreach (var y in reduced.Read(context)) yield return y;
            }
            finally
            {
                foreach (var x in window) Elements.Dispose(x);
            }
        }
    }

    /// <summary>
    /// <c>dataset.bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes, ...)</c>: batches
    /// elements of similar length together, padding each batch to its longest element, so that little of a batch is
    /// padding. Bucket i holds lengths in [boundaries[i - 1], boundaries[i]).
    /// </summary>
    /// <param name="dataset">The input (sequences).</param>
    /// <param name="elementLength">The length of an element.</param>
    /// <param name="bucketBoundaries">Increasing upper bounds of the buckets; one bucket more than boundaries.</param>
    /// <param name="bucketBatchSizes">Batch size per bucket: one more entry than <paramref name="bucketBoundaries"/>.</param>
    /// <param name="paddingValue">What pads the shorter elements of a batch.</param>
    /// <param name="dropRemainder">Drop each bucket's last, smaller batch.</param>
    public static Dataset<T> BucketBySequenceLength<T>(this Dataset<T> dataset, Func<T, long> elementLength, long[] bucketBoundaries, int[] bucketBatchSizes,
        double paddingValue = 0, bool dropRemainder = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(elementLength);
        ArgumentNullException.ThrowIfNull(bucketBoundaries);
        ArgumentNullException.ThrowIfNull(bucketBatchSizes);
        if (bucketBatchSizes.Length != bucketBoundaries.Length + 1)
            throw new ArgumentException($"BucketBySequenceLength: bucketBatchSizes needs one entry more than bucketBoundaries ({bucketBoundaries.Length + 1}), but has {bucketBatchSizes.Length}.", nameof(bucketBatchSizes));
        for (var i = 1; i < bucketBoundaries.Length; i++)
            if (bucketBoundaries[i] <= bucketBoundaries[i - 1])
                throw new ArgumentException($"BucketBySequenceLength: bucketBoundaries must increase, but [{string.Join(", ", bucketBoundaries)}] does not at index {i}.", nameof(bucketBoundaries));
        foreach (var size in bucketBatchSizes) CheckBatchSize(size);
        var boundaries = (long[])bucketBoundaries.Clone();
        var sizes = (int[])bucketBatchSizes.Clone();
        long Bucket(T x)
        {
            var length = elementLength(x);
            var i = Array.BinarySearch(boundaries, length);
            return i >= 0 ? i + 1 : ~i;
        }
        var step = new PlanStep("BucketBySequenceLength", StepKind.Batch).With("elementLength", FunctionNames.Of(elementLength), positional: true)
            .With("bucketBoundaries", "[" + string.Join(", ", boundaries) + "]").With("bucketBatchSizes", "[" + string.Join(", ", sizes) + "]");
        if (paddingValue != 0) step.With("paddingValue", paddingValue);
        if (dropRemainder) step.With("dropRemainder", true);
        // A window per bucket closes when it holds one batch; the windows left at the end give each bucket's last batch.
        return GroupByWindow(dataset, Bucket, (bucket, window) => window.PaddedBatch(sizes[bucket], paddingValue, dropRemainder), bucket => sizes[bucket], step);
    }

    /// <summary><c>dataset.as_numpy_iterator()</c>: the elements as NumSharp arrays (one copy each; the tensors are disposed for you).</summary>
    public static IEnumerable<NDArray> AsNumpyIterator(this Dataset<Tensor> dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        foreach (var t in dataset)
            using (t) yield return t.ToNDArray();
    }

    /// <summary><c>as_numpy_iterator()</c> for (features, labels) pairs.</summary>
    public static IEnumerable<(NDArray, NDArray)> AsNumpyIterator(this Dataset<(Tensor, Tensor)> dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        foreach (var (a, b) in dataset)
            using (a) using (b) yield return (a.ToNDArray(), b.ToNDArray());
    }

    /// <summary><c>as_numpy_iterator()</c> for named records.</summary>
    public static IEnumerable<Dictionary<string, NDArray>> AsNumpyIterator(this Dataset<Dictionary<string, Tensor>> dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        foreach (var record in dataset)
        {
            try { yield return record.ToDictionary(kv => kv.Key, kv => kv.Value.ToNDArray()); }
            finally { foreach (var t in record.Values) t.Dispose(); }
        }
    }
}
