using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>
/// Keras's <c>TruncatedNormal</c>: a normal distribution (defaults: mean 0, stddev 0.05) with values more than two
/// standard deviations from the mean redrawn, i.e. restricted to [mean − 2·stddev, mean + 2·stddev].
/// </summary>
public sealed class TruncatedNormal : Initializer
{
    // erf(√2) = P(|z| < 2) · ... : the uniform range whose inverse-erf image is [-2, 2] after scaling by √2.
    const double ErfOfSqrt2 = 0.95449973610364158;

    /// <summary>Creates the initializer.</summary>
    /// <param name="mean">Mean of the values.</param>
    /// <param name="stddev">Standard deviation of the underlying normal.</param>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public TruncatedNormal(double mean = 0.0, double stddev = 0.05, int? seed = null)
    {
        if (!(stddev >= 0)) throw new ArgumentOutOfRangeException(nameof(stddev), stddev, "TruncatedNormal: stddev must be >= 0.");
        (Mean, Stddev, Seed) = (mean, stddev, seed);
    }

    /// <summary>Mean of the values.</summary>
    public double Mean { get; }

    /// <summary>Standard deviation of the underlying normal.</summary>
    public double Stddev { get; }

    /// <summary>The seed, or null for the global generator.</summary>
    public int? Seed { get; }

    /// <inheritdoc />
    public override Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Sample(shape, dtype, device, Seed, (t, g) => FillTruncated(t, Mean, Stddev, g));

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?> { ["mean"] = Mean, ["stddev"] = Stddev, ["seed"] = Seed };

    /// <summary>
    /// Fills <paramref name="t"/> from N(mean, stddev²) truncated at ±2 stddev by inverting the CDF:
    /// u ~ U(−erf(√2), erf(√2)), z = √2 · erfinv(u) lies in [−2, 2] with the truncated normal's density.
    /// (torch's trunc_normal_ ignores a generator in TorchSharp 0.107, so seeds would not hold.)
    /// </summary>
    internal static void FillTruncated(Tensor t, double mean, double stddev, Generator? generator)
    {
        using var scale = (Math.Sqrt(2) * stddev).ToScalar();
        using var shift = mean.ToScalar();
        t.uniform_(-ErfOfSqrt2, ErfOfSqrt2, generator).erfinv_().mul_(scale).add_(shift, Training.Scalars.One);
    }
}
