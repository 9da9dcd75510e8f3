using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>
/// Keras's <c>VarianceScaling</c>: samples with variance <c>scale / n</c>, n being fanIn, fanOut or their mean
/// (<see cref="Mode"/>), from a normal truncated at two standard deviations (its stddev corrected by
/// 0.8796), an untruncated normal, or a uniform distribution with limit √(3 · scale / n).
/// </summary>
public class VarianceScaling : Initializer
{
    // Standard deviation of a standard normal truncated to [-2, 2]; Keras divides by it so the truncated draw has the asked variance.
    const double TruncatedStddev = 0.87962566103423978;

    /// <summary>Creates the initializer.</summary>
    /// <param name="scale">Scaling factor, positive.</param>
    /// <param name="mode">"fan_in", "fan_out" or "fan_avg".</param>
    /// <param name="distribution">"truncated_normal", "untruncated_normal" or "uniform" ("normal" means truncated_normal).</param>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public VarianceScaling(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal", int? seed = null)
    {
        if (!(scale > 0))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"Argument `scale` must be positive float. Received: scale={scale}");
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(distribution);
        mode = mode.ToLowerInvariant();
        distribution = distribution.ToLowerInvariant();
        if (mode is not ("fan_in" or "fan_out" or "fan_avg"))
            throw new ArgumentException($"Invalid `mode` argument: expected one of {{'fan_in', 'fan_out', 'fan_avg'}}. Received: mode={mode}", nameof(mode));
        if (distribution == "normal") distribution = "truncated_normal";
        if (distribution is not ("truncated_normal" or "untruncated_normal" or "uniform"))
            throw new ArgumentException(
                $"Invalid `distribution` argument: expected one of {{'normal', 'truncated_normal', 'untruncated_normal', 'uniform'}}. Received: distribution={distribution}",
                nameof(distribution));
        Scale = scale;
        Mode = mode;
        Distribution = distribution;
        Seed = seed;
    }

    /// <summary>Scaling factor.</summary>
    public double Scale { get; }

    /// <summary>"fan_in", "fan_out" or "fan_avg".</summary>
    public string Mode { get; }

    /// <summary>"truncated_normal", "untruncated_normal" or "uniform".</summary>
    public string Distribution { get; }

    /// <summary>The seed, or null for the global generator.</summary>
    public int? Seed { get; }

    /// <inheritdoc />
    public override Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var (fanIn, fanOut) = ComputeFans(shape);
        double n = Mode switch { "fan_in" => fanIn, "fan_out" => fanOut, _ => (fanIn + fanOut) / 2 };
        double variance = Scale / Math.Max(1.0, n);
        return Distribution switch
        {
            "truncated_normal" => Sample(shape, dtype, device, Seed, (t, g) => TruncatedNormal.FillTruncated(t, 0, Math.Sqrt(variance) / TruncatedStddev, g)),
            "untruncated_normal" => Sample(shape, dtype, device, Seed, (t, g) => t.normal_(0, Math.Sqrt(variance), g)),
            _ => Sample(shape, dtype, device, Seed, (t, g) =>
            {
                double limit = Math.Sqrt(3 * variance);
                t.uniform_(-limit, limit, g);
            }),
        };
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>
    {
        ["scale"] = Scale,
        ["mode"] = Mode,
        ["distribution"] = Distribution,
        ["seed"] = Seed,
    };
}
