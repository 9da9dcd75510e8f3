using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Randomly zeroes a fraction of inputs during training and scales the rest by 1 / (1 − rate) (Keras's
/// <c>layers.Dropout</c>); identity at inference. <c>noiseShape</c> shares one draw along the axes where it is 1:
/// EfficientNet's drop-connect, <c>noiseShape: [null, 1, 1, 1]</c>, drops a whole sample's residual branch. With a
/// <c>seed</c> the layer draws from its own generator, as the random preprocessing layers do: the same seed gives the
/// same masks in every process, on every device, whatever else draws random numbers; without one it follows libtorch's
/// global generator (<c>Utils.SetRandomSeed</c>).
/// </summary>
public sealed class Dropout : Layer
{
    readonly int?[]? _noiseShape;

    // Held for the layer's lifetime: a temporary Scalar may be finalized mid-call (see Training.Scalars).
    readonly TorchSharp.Scalar _keepScale;

    /// <summary>Creates a dropout layer.</summary>
    /// <param name="rate">Fraction of inputs to drop, in [0, 1).</param>
    /// <param name="noiseShape">The shape of the keep/drop mask, batch axis included, broadcast over the inputs; null
    /// entries take the input's size (Keras's <c>noise_shape=(None, 1, 1, 1)</c>); null means the inputs' own shape.</param>
    /// <param name="seed">Seed of the layer's own generator (Keras's <c>seed</c>), or null for libtorch's global one.</param>
    /// <param name="name">Optional layer name.</param>
    public Dropout(double rate, int?[]? noiseShape = null, long? seed = null, string? name = null) : base(name)
    {
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "Dropout: rate must be in [0, 1).");
        if (noiseShape is not null && (noiseShape.Length == 0 || noiseShape.Any(d => d is <= 0)))
            throw new ArgumentException($"Dropout: noiseShape must hold positive sizes or null; got {NoiseText(noiseShape)}.", nameof(noiseShape));
        Rate = rate;
        _noiseShape = noiseShape?.ToArray();
        _keepScale = (1 / (1 - rate)).ToScalar();
        Seed = seed;
        _generator = seed is null ? null : Augmentation.NewGenerator(seed);
    }

    readonly Generator? _generator;

    /// <summary>The seed of the layer's generator, or null.</summary>
    public long? Seed { get; }

    /// <summary>Fraction of inputs dropped during training.</summary>
    public double Rate { get; }

    /// <summary>The mask's shape (batch axis included, null for the input's size), or null for the inputs' shape.</summary>
    public IReadOnlyList<int?>? NoiseShape => _noiseShape;

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (_noiseShape is not null)
        {
            int[] full = [-1, .. inputShape];
            if (_noiseShape.Length != full.Length || _noiseShape.Where((d, i) => d is int n && n != 1 && full[i] >= 0 && n != full[i]).Any())
                throw Incompatible($"a shape that noise_shape={NoiseText(_noiseShape)} broadcasts to (same rank; each size null, 1 or the input's)", inputShape);
        }
        return inputShape;
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!training || Rate == 0) return inputs;
        if (_noiseShape is null && _generator is null) return nn.functional.dropout(inputs, Rate, training: true);
        if (_noiseShape is not null && _noiseShape.Length != inputs.dim())
            throw new ArgumentException($"Layer \"{Name}\" (Dropout): noise_shape={NoiseText(_noiseShape)} has rank {_noiseShape.Length}, its input ({string.Join(", ", inputs.shape)}) rank {inputs.dim()}.", nameof(inputs));
        using var scope = NewDisposeScope();
        long[] shape = _noiseShape is null ? inputs.shape : [.. _noiseShape.Select((d, i) => d is int n ? n : inputs.shape[i])];
        return inputs.mul(Mask(shape, Rate, _keepScale, inputs, _generator)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A keep mask of <paramref name="shape"/> scaled by <paramref name="keepScale"/> (1 / (1 − rate)), to broadcast over
    /// <paramref name="like"/>: drawn on its device from libtorch's global generator, or from <paramref name="generator"/>
    /// (a CPU generator, as the preprocessing layers use, so a seed gives the same mask on every device).
    /// </summary>
    internal static Tensor Mask(long[] shape, double rate, Scalar keepScale, Tensor like, Generator? generator)
    {
        if (generator is null) return empty(shape, like.dtype, like.device).bernoulli_(1 - rate).mul_(keepScale);
        using var keep = (1 - rate).ToScalar();
        using var uniform = rand(shape, ScalarType.Float32, generator: generator);
        using var kept = uniform.lt(keep);
        // The bool mask crosses to the device (a quarter of a float32 mask's bytes) and is cast there.
        using var onDevice = kept.to(like.device);
        return onDevice.to_type(like.dtype).mul_(keepScale);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed;
        config["noise_shape"] = _noiseShape?.ToArray();
        return config;
    }

    static string NoiseText(IEnumerable<int?> shape) => "(" + string.Join(", ", shape.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None")) + ")";

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) { _generator?.Dispose(); _keepScale.Dispose(); }
        base.Dispose(disposing);
    }
}
