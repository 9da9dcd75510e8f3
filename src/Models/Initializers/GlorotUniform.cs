using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>
/// Draws from U(-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)) (Keras's <c>GlorotUniform</c>, the default
/// kernel initializer of Dense and Conv2D).
/// </summary>
/// <param name="seed">Seeds a private generator; null draws from the global one (see <see cref="Utils.SetRandomSeed"/>).</param>
public sealed class GlorotUniform(int? seed = null) : Initializer
{
    /// <summary>The seed, or null.</summary>
    public int? Seed { get; } = seed;

    /// <inheritdoc />
    public override Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var (fanIn, fanOut) = ComputeFans(shape);
        var limit = Math.Sqrt(6.0 / Math.Max(1.0, fanIn + fanOut));
        var t = empty(shape, dtype, device);
        using var generator = Seed is int s ? new Generator((ulong)s, t.device) : null;
        using (no_grad()) t.uniform_(-limit, limit, generator);
        return t;
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
