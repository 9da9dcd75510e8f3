using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>layers.Resizing</c>: resizes images to (height, width) with <see cref="Image.Resize"/>, in training and inference.</summary>
public sealed class Resizing : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="interpolation">An <see cref="Image.ResizeMethods"/> name ("bilinear" by default).</param>
    /// <param name="cropToAspectRatio">Crop the largest centred window of the target aspect ratio first, instead of distorting.</param>
    /// <param name="name">Optional layer name.</param>
    public Resizing(int height, int width, string interpolation = "bilinear", bool cropToAspectRatio = false, string? name = null) : base(name)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"Resizing: height and width must be positive, but were ({height}, {width}).");
        if (!Image.ResizeMethods.Contains(interpolation))
            throw new ArgumentException($"Resizing: unknown interpolation \"{interpolation}\"; expected one of {string.Join(", ", Image.ResizeMethods)}.", nameof(interpolation));
        (Height, Width, Interpolation, CropToAspectRatio) = (height, width, interpolation, cropToAspectRatio);
    }

    /// <summary>Output height.</summary>
    public int Height { get; }

    /// <summary>Output width.</summary>
    public int Width { get; }

    /// <summary>The resize method.</summary>
    public string Interpolation { get; }

    /// <summary>Whether to crop to the target aspect ratio first.</summary>
    public bool CropToAspectRatio { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => [Height, Width, inputShape[^1]];

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) =>
        Augmentation.OnBatch(inputs, "Resizing", x => SmartResize(x, Height, Width, Interpolation, CropToAspectRatio));

    /// <summary>Keras's smart_resize when cropping: the largest centred window with the target's aspect ratio, then resize.</summary>
    internal static Tensor SmartResize(Tensor x, int height, int width, string interpolation, bool crop)
    {
        using var scope = NewDisposeScope();
        var input = x;
        if (crop)
        {
            long h = x.shape[1], w = x.shape[2];
            int cropH = (int)Math.Min(h, (long)((double)w * height / width));
            int cropW = (int)Math.Min(w, (long)((double)h * width / height));
            input = Image.CropToBoundingBox(x, (int)(h - cropH) / 2, (int)(w - cropW) / 2, cropH, cropW);
        }
        var resized = Image.Resize(input, height, width, interpolation);
        return (resized.is_floating_point() ? resized : resized.to_type(ScalarType.Float32)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["height"] = Height;
        config["width"] = Width;
        config["interpolation"] = Interpolation;
        config["crop_to_aspect_ratio"] = CropToAspectRatio;
        return config;
    }
}
