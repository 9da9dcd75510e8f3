using TorchSharp;

namespace Pipeline;

/// <summary>
/// TensorFlow's <c>tf.random.set_seed</c> and <c>get_seed</c>: one global seed from which every random step without a
/// seed of its own (<c>Shuffle</c>, <c>Dataset.Random</c>, <c>ListFiles</c>, <c>SampleFromDatasets</c>,
/// <c>RejectionResample</c>, Keras's augmentation layers and image-folder datasets) derives its seed, so a program that
/// sets it gives the same results in every process.
/// </summary>
/// <remarks>
/// TensorFlow's rule: with a global seed, a step created without a seed gets the seed derived from the global seed and
/// the number of seedless random steps created since <see cref="Set"/> (its creation number), so the same program
/// creates the same steps with the same seeds; without one it gets a fresh random seed, as before. A step given its own
/// seed uses that seed alone, whatever the global seed (unlike TensorFlow, which mixes both: an explicit seed here
/// means the same sequence in every program).
/// </remarks>
public static class RandomSeed
{
    static readonly Lock Gate = new();
    static long? _global;
    static long _created;

    /// <summary>The global seed that <see cref="Set"/> set, or null when none is set.</summary>
    public static long? Global
    {
        get { lock (Gate) return _global; }
    }

    /// <summary>
    /// Sets the global seed (<c>tf.random.set_seed</c>; Keras's <c>keras.utils.set_random_seed</c> is
    /// <c>Pipeline.Models.Utils.SetRandomSeed</c>, which calls this): restarts the creation count from which seedless
    /// random steps derive their seeds, and seeds libtorch's generator (<c>torch.manual_seed</c>), which weight
    /// initializers, dropout, Fit's batch order and tf.image's random ops without a generator draw from.
    /// </summary>
    /// <param name="seed">The seed; null removes the global seed, so seedless steps get fresh random seeds again
    /// (libtorch's generator keeps its state).</param>
    public static void Set(long? seed)
    {
        lock (Gate)
        {
            _global = seed;
            _created = 0;
        }
        if (seed is long s) torch.random.manual_seed(s);
    }

    /// <summary>
    /// The seed a random step created now uses (<c>tf.random.get_seed</c>): <paramref name="seed"/> when given; with a
    /// global seed, one derived from it and this step's creation number; else a fresh random seed. Call it once, when
    /// your own random step or layer is built, as the library's own steps do.
    /// </summary>
    /// <param name="seed">The step's own seed argument, or null.</param>
    public static long GetSeed(long? seed)
    {
        if (seed is long own) return own;
        lock (Gate)
        {
            if (_global is long global) return unchecked((long)DeterministicRandom.Mix(global, ++_created));
        }
        return DeterministicRandom.NewSeed();
    }
}
