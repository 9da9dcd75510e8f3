namespace Pipeline.Models;

/// <summary>Keras's <c>keras.utils</c>: seeding and loading images from folders.</summary>
public static partial class Utils
{
    /// <summary>
    /// Keras's <c>keras.utils.set_random_seed</c>: sets the global seed (<see cref="RandomSeed.Set"/>, TensorFlow's
    /// <c>tf.random.set_seed</c>), so a seeded program repeats exactly in every process. It seeds libtorch's generator,
    /// which weight initialisation, dropout and Fit's batch order draw from, and gives every random step created
    /// without a seed of its own (Dataset <c>Shuffle</c>, the augmentation layers, <c>ImageDatasetFromDirectory</c>,
    /// <c>ImageDataGenerator</c>) a seed derived from it and the step's creation number.
    /// </summary>
    /// <param name="seed">The seed.</param>
    public static void SetRandomSeed(int seed) => RandomSeed.Set(seed);
}
