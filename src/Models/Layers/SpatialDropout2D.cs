using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>SpatialDropout2D</c>: in training, drops whole channels (feature maps) with probability <see cref="Rate"/>
/// and scales the rest by 1 / (1 − rate); identity at inference. A <c>seed</c> gives the layer its own generator, as for
/// <see cref="Dropout"/>.
/// </summary>
public sealed class SpatialDropout2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="rate">Fraction of channels dropped, in [0, 1).</param>
    /// <param name="seed">Seed of the layer's own generator (Keras's <c>seed</c>), or null for libtorch's global one.</param>
    /// <param name="name">Optional layer name.</param>
    public SpatialDropout2D(double rate, long? seed = null, string? name = null) : base(name)
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "SpatialDropout2D: rate must be in [0, 1).");
        Rate = rate;
        Seed = seed;
        if (seed is not null)
        {
            _generator = Augmentation.NewGenerator(seed);
            _keepScale = (1 / (1 - rate)).ToScalar();
        }
    }

    // Only for a seeded layer; an unseeded one uses libtorch's dropout2d.
    readonly Generator? _generator;
    readonly Scalar? _keepScale;

    /// <summary>The seed of the layer's generator, or null.</summary>
    public long? Seed { get; }

    /// <summary>Fraction of channels dropped.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 3) throw Incompatible("ndim=4 (batch, height, width, channels)", inputShape);
        return inputShape;
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!training || Rate == 0) return inputs;
        if (_generator is not null)
        {
            // One draw per (sample, channel), broadcast over height and width.
            using var scope = NewDisposeScope();
            return inputs.mul(Dropout.Mask([inputs.shape[0], 1, 1, inputs.shape[3]], Rate, _keepScale!, inputs, _generator)).MoveToOuterDisposeScope();
        }
        // dropout2d zeroes whole NCHW channels; the permuted view keeps the batch's memory layout.
        return nn.functional.dropout2d(inputs.permute(0, 3, 1, 2), Rate, training: true).permute(0, 2, 3, 1);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed;
        config["data_format"] = "channels_last";
        return config;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) { _generator?.Dispose(); _keepScale?.Dispose(); }
        base.Dispose(disposing);
    }
}
