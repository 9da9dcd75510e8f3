using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>Keras's <c>RandomUniform</c>: a uniform distribution over [minval, maxval) (defaults ±0.05).</summary>
public sealed class RandomUniform : Initializer
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="minval">Lower bound.</param>
    /// <param name="maxval">Upper bound.</param>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public RandomUniform(double minval = -0.05, double maxval = 0.05, int? seed = null)
    {
        if (!(maxval >= minval))
            throw new ArgumentException($"RandomUniform: maxval ({maxval}) must be >= minval ({minval}).", nameof(maxval));
        (Minval, Maxval, Seed) = (minval, maxval, seed);
    }

    /// <summary>Lower bound.</summary>
    public double Minval { get; }

    /// <summary>Upper bound.</summary>
    public double Maxval { get; }

    /// <summary>The seed, or null for the global generator.</summary>
    public int? Seed { get; }

    /// <inheritdoc />
    public override Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Sample(shape, dtype, device, Seed, (t, g) => t.uniform_(Minval, Maxval, g));

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?> { ["minval"] = Minval, ["maxval"] = Maxval, ["seed"] = Seed };
}
