using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>layers.RandomFlip</c>: while training, flips each image left-right and/or upside down with probability
/// 1/2; in inference it passes images through.
/// </summary>
public sealed class RandomFlip : Layer
{
    readonly Generator _generator;

    /// <summary>Creates the layer.</summary>
    /// <param name="mode">"horizontal", "vertical" or "horizontal_and_vertical".</param>
    /// <param name="seed">Seed of the layer's generator; the same seed gives the same flips in every process.</param>
    /// <param name="name">Optional layer name.</param>
    public RandomFlip(string mode = "horizontal_and_vertical", long? seed = null, string? name = null) : base(name)
    {
        if (mode is not ("horizontal" or "vertical" or "horizontal_and_vertical"))
            throw new ArgumentException($"RandomFlip layer {Name} received an unknown mode argument {mode}; expected \"horizontal\", \"vertical\" or \"horizontal_and_vertical\".", nameof(mode));
        Mode = mode;
        Seed = seed;
        _generator = Augmentation.NewGenerator(seed);
    }

    /// <summary>Which flips.</summary>
    public string Mode { get; }

    /// <summary>The seed, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    [RandomOp]
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (!training) return inputs.alias();
        return Augmentation.OnBatch(inputs, "RandomFlip", x =>
        {
            var result = x.alias();
            if (Mode != "vertical") { using var old = result; result = Image.RandomFlipLeftRight(old, _generator); }
            if (Mode != "horizontal") { using var old = result; result = Image.RandomFlipUpDown(old, _generator); }
            return result;
        });
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["mode"] = Mode;
        config["seed"] = Seed;
        return config;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _generator.Dispose();
        base.Dispose(disposing);
    }
}
