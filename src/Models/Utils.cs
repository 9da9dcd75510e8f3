using TorchSharp;

namespace Pipeline.Models;

/// <summary>Keras's <c>keras.utils</c>: seeding and loading images from folders.</summary>
public static partial class Utils
{
    /// <summary>
    /// Seeds the package's random source (Keras's <c>set_random_seed</c>): libtorch's generator, which weight
    /// initialisation, dropout and Fit's batch order all draw from, so a seeded run repeats exactly in every process and
    /// BackupAndRestore's saved generator state resumes it exactly.
    /// </summary>
    /// <param name="seed">The seed.</param>
    public static void SetRandomSeed(int seed) => torch.random.manual_seed(seed);
}
