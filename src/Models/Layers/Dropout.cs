using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Randomly zeroes a fraction of inputs during training and scales the rest by 1 / (1 − rate) (Keras's
/// <c>layers.Dropout</c>); identity at inference. <c>noiseShape</c> shares one draw along the axes where it is 1:
/// EfficientNet's drop-connect, <c>noiseShape: [null, 1, 1, 1]</c>, drops a whole sample's residual branch.
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
    /// <param name="name">Optional layer name.</param>
    public Dropout(double rate, int?[]? noiseShape = null, string? name = null) : base(name)
    {
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "Dropout: rate must be in [0, 1).");
        if (noiseShape is not null && (noiseShape.Length == 0 || noiseShape.Any(d => d is <= 0)))
            throw new ArgumentException($"Dropout: noiseShape must hold positive sizes or null; got {NoiseText(noiseShape)}.", nameof(noiseShape));
        Rate = rate;
        _noiseShape = noiseShape?.ToArray();
        _keepScale = (1 / (1 - rate)).ToScalar();
    }

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
        if (_noiseShape is null) return nn.functional.dropout(inputs, Rate, training: true);
        if (_noiseShape.Length != inputs.dim())
            throw new ArgumentException($"Layer \"{Name}\" (Dropout): noise_shape={NoiseText(_noiseShape)} has rank {_noiseShape.Length}, its input ({string.Join(", ", inputs.shape)}) rank {inputs.dim()}.", nameof(inputs));
        using var scope = NewDisposeScope();
        long[] shape = [.. _noiseShape.Select((d, i) => d is int n ? n : inputs.shape[i])];
        // One Bernoulli draw per mask entry, scaled so the expected value is unchanged, broadcast over the inputs.
        var mask = empty(shape, inputs.dtype, inputs.device).bernoulli_(1 - Rate).mul_(_keepScale);
        return inputs.mul(mask).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = null;
        config["noise_shape"] = _noiseShape?.ToArray();
        return config;
    }

    static string NoiseText(IEnumerable<int?> shape) => "(" + string.Join(", ", shape.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None")) + ")";
}
