using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>Keras's <c>RandomNormal</c>: a normal distribution (defaults: mean 0, stddev 0.05).</summary>
public sealed class RandomNormal : Initializer
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="mean">Mean of the values.</param>
    /// <param name="stddev">Standard deviation of the values.</param>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public RandomNormal(double mean = 0.0, double stddev = 0.05, int? seed = null)
    {
        if (!(stddev >= 0)) throw new ArgumentOutOfRangeException(nameof(stddev), stddev, "RandomNormal: stddev must be >= 0.");
        (Mean, Stddev, Seed) = (mean, stddev, seed);
    }

    /// <summary>Mean of the values.</summary>
    public double Mean { get; }

    /// <summary>Standard deviation of the values.</summary>
    public double Stddev { get; }

    /// <summary>The seed, or null for the global generator.</summary>
    public int? Seed { get; }

    /// <inheritdoc />
    public override Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Sample(shape, dtype, device, Seed, (t, g) => t.normal_(Mean, Stddev, g));

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?> { ["mean"] = Mean, ["stddev"] = Stddev, ["seed"] = Seed };
}
