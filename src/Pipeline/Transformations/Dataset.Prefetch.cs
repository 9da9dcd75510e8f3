namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>dataset.prefetch(buffer_size)</c>: runs everything upstream on a background thread, up to
    /// <paramref name="bufferSize"/> elements ahead of the consumer, so that producing the next batch overlaps with
    /// training on this one. Put it last.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="bufferSize">Elements buffered; 0 disables prefetching. <see cref="Autotune"/> (default) sizes the buffer
    /// from the first element: as many elements as fit in 16 MiB of tensor data, at least 2 and at most 64 (64 for
    /// elements without tensors). Deep buffers of small elements let the two threads hand over work rarely.</param>
    public static Dataset<T> Prefetch<T>(this Dataset<T> dataset, int bufferSize = Autotune)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (bufferSize != Autotune && bufferSize < 0)
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, $"Prefetch: bufferSize must be at least 0 or Dataset.Autotune ({Autotune}), but was {bufferSize}.");
        return new PrefetchDataset<T>(dataset, bufferSize);
    }
}
