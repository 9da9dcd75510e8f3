namespace Pipeline;

/// <summary>
/// Entry point of tf.data for .NET: the sources (<c>Dataset.FromTensorSlices</c>, <c>Dataset.Range</c>, ...),
/// the transformations as extension methods on <see cref="Dataset{T}"/> (<c>Map</c>, <c>Shuffle</c>,
/// <c>Batch</c>, <c>Prefetch</c>, ...) and tf.data's constants.
/// </summary>
/// <example>
/// <code>
/// var ds = Dataset.FromTensorSlices(images, labels)
///     .Shuffle(bufferSize: 10_000, seed: 42)
///     .Map((x, y) => (x.to(torch.float32) / 255, y), numParallelCalls: Dataset.Autotune)
///     .Batch(64)
///     .Prefetch(Dataset.Autotune);
/// </code>
/// </example>
public static partial class Dataset
{
    /// <summary>
    /// <c>tf.data.AUTOTUNE</c>: pass as <c>numParallelCalls</c>, <c>bufferSize</c> or <c>cycleLength</c> to let the
    /// runtime pick the value (see each transformation for the policy it applies).
    /// </summary>
    public const int Autotune = -1;

    /// <summary><c>tf.data.INFINITE_CARDINALITY</c>: returned by <c>Cardinality()</c> for a dataset that never ends.</summary>
    public const long InfiniteCardinality = -1;

    /// <summary><c>tf.data.UNKNOWN_CARDINALITY</c>: returned by <c>Cardinality()</c> when the size cannot be known without iterating.</summary>
    public const long UnknownCardinality = -2;

    /// <summary>
    /// The most elements a step reserves room for up front from a size argument (batchSize, bufferSize, cycleLength,
    /// numParallelCalls); beyond it buffers grow as elements arrive, so a size far above the data costs nothing.
    /// </summary>
    internal const int MaxPreallocatedElements = 1 << 16;
}
