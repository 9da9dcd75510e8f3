using TorchSharp;

namespace Pipeline.Models;

/// <summary>Keras's <c>keras.utils</c>: seeding and loading images from folders.</summary>
public static partial class Utils
{
    /// <summary>
    /// Seeds every random source of the package (Keras's <c>set_random_seed</c>): libtorch's generator (weight
    /// initialisation, dropout) and the generator that orders Fit's batches, so a seeded run repeats exactly in every process.
    /// </summary>
    /// <param name="seed">The seed.</param>
    public static void SetRandomSeed(int seed)
    {
        torch.random.manual_seed(seed);
        lock (ShuffleLock) s_shuffle = new DeterministicRandom((ulong)seed);
    }

    static readonly object ShuffleLock = new();
    static DeterministicRandom s_shuffle = new((ulong)DeterministicRandom.NewSeed());

    /// <summary>
    /// A permutation of 0..count-1 from the package's one shuffling generator (Pipeline's xoshiro256**, whose sequence
    /// for a seed is fixed by code, not by the process): Fisher-Yates, as tf.data's Shuffle draws.
    /// </summary>
    internal static long[] Permutation(long count)
    {
        if (count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), count, "Shuffling more than 2^31 - 1 samples in memory is not supported.");
        var order = new long[count];
        for (long i = 0; i < count; i++) order[i] = i;
        lock (ShuffleLock)
            for (int i = (int)count - 1; i > 0; i--)
            {
                int j = s_shuffle.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        return order;
    }
}
