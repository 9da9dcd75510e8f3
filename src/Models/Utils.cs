using TorchSharp;

namespace Pipeline.Models;

/// <summary>Keras's <c>keras.utils</c>: seeding and loading images from folders.</summary>
public static partial class Utils
{
    /// <summary>Seeds libtorch's generator, which weight initialisation, dropout and Fit's shuffling draw from (Keras's <c>set_random_seed</c>).</summary>
    /// <param name="seed">The seed.</param>
    public static void SetRandomSeed(int seed) => torch.random.manual_seed(seed);
}
