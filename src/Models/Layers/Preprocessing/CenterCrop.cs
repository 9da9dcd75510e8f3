using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>layers.CenterCrop</c>: keeps the central (height, width) window, in training and inference; an image
/// smaller than that is resized up after cropping to the target aspect ratio, as Keras does.
/// </summary>
public sealed class CenterCrop : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="name">Optional layer name.</param>
    public CenterCrop(int height, int width, string? name = null) : base(name)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"CenterCrop: height and width must be positive, but were ({height}, {width}).");
        (Height, Width) = (height, width);
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => [Height, Width, inputShape[^1]];

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => Augmentation.OnBatch(inputs, "CenterCrop", x => Crop(x, Height, Width));

    internal static Tensor Crop(Tensor x, int height, int width)
    {
        long h = x.shape[1], w = x.shape[2];
        if (h < height || w < width) return Resizing.SmartResize(x, height, width, "bilinear", crop: true);
        using var cropped = Image.CropToBoundingBox(x, (int)(h - height) / 2, (int)(w - width) / 2, height, width);
        return Augmentation.ToFloat(cropped);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["height"] = Height;
        config["width"] = Width;
        return config;
    }
}
