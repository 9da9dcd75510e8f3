using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>UpSampling2D</c>: repeats rows and columns ("nearest") or interpolates ("bilinear", half-pixel centres
/// as TensorFlow's resize) to enlarge channels-last images by <see cref="Size"/>.
/// </summary>
public sealed class UpSampling2D : Layer
{
    /// <summary>Enlarges both axes by <paramref name="size"/>.</summary>
    /// <param name="size">Factor for rows and columns.</param>
    /// <param name="interpolation">"nearest" or "bilinear".</param>
    /// <param name="name">Optional layer name.</param>
    public UpSampling2D(int size = 2, string interpolation = "nearest", string? name = null) : this((size, size), interpolation, name) { }

    /// <summary>Enlarges rows and columns by separate factors.</summary>
    /// <param name="size">(rows, columns) factors.</param>
    /// <param name="interpolation">"nearest" or "bilinear".</param>
    /// <param name="name">Optional layer name.</param>
    public UpSampling2D((int Rows, int Columns) size, string interpolation = "nearest", string? name = null) : base(name)
    {
        ConvGeometry.RequirePositive(size, nameof(size), nameof(UpSampling2D));
        ArgumentNullException.ThrowIfNull(interpolation);
        Interpolation = interpolation.ToLowerInvariant() is "nearest" or "bilinear" ? interpolation.ToLowerInvariant()
            : throw new ArgumentException($"UpSampling2D: interpolation must be \"nearest\" or \"bilinear\"; received \"{interpolation}\".", nameof(interpolation));
        Size = size;
    }

    /// <summary>(rows, columns) factors.</summary>
    public (int Rows, int Columns) Size { get; }

    /// <summary>"nearest" or "bilinear".</summary>
    public string Interpolation { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 3) throw Incompatible("ndim=4 (batch, height, width, channels)", inputShape);
        return [inputShape[0] * Size.Rows, inputShape[1] * Size.Columns, inputShape[2]];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (Interpolation == "nearest")
            return inputs.repeat_interleave(Size.Rows, dim: 1).repeat_interleave(Size.Columns, dim: 2);
        var x = inputs.permute(0, 3, 1, 2);
        long[] outSize = [x.shape[2] * Size.Rows, x.shape[3] * Size.Columns];
        return nn.functional.interpolate(x, outSize, mode: InterpolationMode.Bilinear, align_corners: false).permute(0, 2, 3, 1);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["size"] = LayerConfig.Pair(Size);
        config["data_format"] = "channels_last";
        config["interpolation"] = Interpolation;
        return config;
    }
}
