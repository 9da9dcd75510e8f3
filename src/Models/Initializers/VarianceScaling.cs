using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>
/// Keras's <c>VarianceScaling</c>: samples with variance scale / n, n being fanIn, fanOut or their mean
/// (<see cref="Mode"/>), from a normal truncated at two standard deviations, an untruncated normal, or a uniform
/// distribution with limit sqrt(3 scale / n). Keras 2 files name glorot_uniform this way.
/// </summary>
public class VarianceScaling : Initializer
{
    // Standard deviation of a standard normal truncated to [-2, 2]; Keras divides by it so the draw has the asked variance.
    const double TruncatedStddev = 0.87962566103423978;

    /// <summary>Creates the initializer.</summary>
    /// <param name="scale">Scaling factor, positive.</param>
    /// <param name="mode">"fan_in", "fan_out" or "fan_avg".</param>
    /// <param name="distribution">"truncated_normal" ("normal"), "untruncated_normal" or "uniform".</param>
    /// <param name="seed">Seeds a private generator; null draws from the global one.</param>
    public VarianceScaling(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal", int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(distribution);
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, $"Argument `scale` must be positive float. Received: scale={scale}");
        mode = mode.ToLowerInvariant();
        distribution = distribution.ToLowerInvariant();
        if (distribution == "normal") distribution = "truncated_normal";
        if (mode is not ("fan_in" or "fan_out" or "fan_avg"))
            throw new ArgumentException($"Invalid `mode` argument: expected one of {{'fan_in', 'fan_out', 'fan_avg'}}. Received: mode={mode}", nameof(mode));
        if (distribution is not ("truncated_normal" or "untruncated_normal" or "uniform"))
            throw new ArgumentException($"Invalid `distribution` argument: expected one of {{'normal', 'truncated_normal', 'untruncated_normal', 'uniform'}}. Received: distribution={distribution}", nameof(distribution));
        (Scale, Mode, Distribution, Seed) = (scale, mode, distribution, seed);
    }

    /// <summary>Scaling factor.</summary>
    public double Scale { get; }

    /// <summary>"fan_in", "fan_out" or "fan_avg".</summary>
    public string Mode { get; }

    /// <summary>"truncated_normal", "untruncated_normal" or "uniform".</summary>
    public string Distribution { get; }

    /// <summary>The seed, or null.</summary>
    public int? Seed { get; }

    /// <inheritdoc />
    public override Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var (fanIn, fanOut) = ComputeFans(shape);
        double n = Mode switch { "fan_in" => fanIn, "fan_out" => fanOut, _ => (fanIn + fanOut) / 2 };
        double variance = Scale / Math.Max(1.0, n);
        var t = empty(shape, dtype, device);
        using var generator = Seed is int s ? new Generator((ulong)s, t.device) : null;
        using (no_grad())
        {
            if (Distribution == "uniform")
            {
                double limit = Math.Sqrt(3 * variance);
                t.uniform_(-limit, limit, generator);
            }
            else if (Distribution == "untruncated_normal")
            {
                t.normal_(0, Math.Sqrt(variance), generator);
            }
            else
            {
                double std = Math.Sqrt(variance) / TruncatedStddev;
                nn.init.trunc_normal_(t, 0, std, -2 * std, 2 * std, generator);
            }
        }
        return t;
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
