namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>dataset.shuffle(buffer_size, seed, reshuffle_each_iteration)</c>, with tf.data's buffer algorithm: the first
    /// <paramref name="bufferSize"/> elements fill a buffer; each output is a uniformly chosen buffered element, whose
    /// slot the next input element takes. A buffer at least as large as the dataset gives a uniform shuffle.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="bufferSize">Elements held at once; must be at least 1.</param>
    /// <param name="seed">Fixes the order on every run and machine (the generator is the library's own xoshiro256**,
    /// not <see cref="Random"/>). Null takes one from <see cref="RandomSeed.GetSeed"/> once per dataset: derived from the global seed when one is set, else random.</param>
    /// <param name="reshuffleEachIteration">True (default) gives each epoch a different order (still reproducible with a
    /// seed); false repeats the first epoch's order.</param>
    [RandomOp]   // a function that builds a shuffled dataset (in FlatMap, Interleave) is a random step
    public static Dataset<T> Shuffle<T>(this Dataset<T> dataset, int bufferSize, long? seed = null, bool reshuffleEachIteration = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (bufferSize < 1)
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, $"Shuffle: bufferSize must be at least 1, but was {bufferSize}.");
        return new ShuffleDataset<T>(dataset, bufferSize, seed, reshuffleEachIteration);
    }
}
