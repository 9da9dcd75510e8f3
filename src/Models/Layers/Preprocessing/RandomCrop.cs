using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>layers.RandomCrop</c>: while training, crops one randomly placed (height, width) window per batch; in
/// inference, the central window (as <see cref="CenterCrop"/>).
/// </summary>
public sealed class RandomCrop : Layer
{
    readonly Generator _generator;

    /// <summary>Creates the layer.</summary>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="seed">Seed of the layer's generator.</param>
    /// <param name="name">Optional layer name.</param>
    public RandomCrop(int height, int width, long? seed = null, string? name = null) : base(name)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"RandomCrop: height and width must be positive, but were ({height}, {width}).");
        (Height, Width, Seed) = (height, width, seed);
        _generator = Augmentation.NewGenerator(seed);
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>The seed, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => [Height, Width, inputShape[^1]];

    /// <inheritdoc />
    [RandomOp]
    public override Tensor Call(Tensor inputs, bool training = false) => Augmentation.OnBatch(inputs, "RandomCrop", x =>
    {
        if (!training || x.shape[1] < Height || x.shape[2] < Width) return CenterCrop.Crop(x, Height, Width);
        using var cropped = Image.RandomCrop(x, Height, Width, _generator);
        return Augmentation.ToFloat(cropped);
    });

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["height"] = Height;
        config["width"] = Width;
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
