using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Cropping2D</c>: removes rows and columns at the edges of channels-last images (a view, no copy).</summary>
public sealed class Cropping2D : Layer
{
    /// <summary>Crops every side by <paramref name="cropping"/>.</summary>
    /// <param name="cropping">Rows/columns removed on each side.</param>
    /// <param name="name">Optional layer name.</param>
    public Cropping2D(int cropping = 0, string? name = null) : this(((cropping, cropping), (cropping, cropping)), name) { }

    /// <summary>Crops ((top, bottom), (left, right)).</summary>
    /// <param name="cropping">Rows and columns removed on each side.</param>
    /// <param name="name">Optional layer name.</param>
    public Cropping2D(((int Top, int Bottom) Rows, (int Left, int Right) Columns) cropping, string? name = null) : base(name)
    {
        if (new[] { cropping.Rows.Top, cropping.Rows.Bottom, cropping.Columns.Left, cropping.Columns.Right }.Any(p => p < 0))
            throw new ArgumentOutOfRangeException(nameof(cropping), cropping, "Cropping2D: cropping must be >= 0.");
        Cropping = cropping;
    }

    /// <summary>((top, bottom), (left, right)).</summary>
    public ((int Top, int Bottom) Rows, (int Left, int Right) Columns) Cropping { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 3) throw Incompatible("ndim=4 (batch, height, width, channels)", inputShape);
        int h = inputShape[0] - Cropping.Rows.Top - Cropping.Rows.Bottom, w = inputShape[1] - Cropping.Columns.Left - Cropping.Columns.Right;
        if (h <= 0 || w <= 0)
            throw new ArgumentException(
                $"Layer \"{Name}\": values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. " +
                $"Received: input_shape={ShapeText(inputShape)}, cropping=(({Cropping.Rows.Top}, {Cropping.Rows.Bottom}), ({Cropping.Columns.Left}, {Cropping.Columns.Right}))");
        return [h, w, inputShape[2]];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        long h = inputs.shape[1], w = inputs.shape[2];
        return inputs.narrow(1, Cropping.Rows.Top, h - Cropping.Rows.Top - Cropping.Rows.Bottom)
            .narrow(2, Cropping.Columns.Left, w - Cropping.Columns.Left - Cropping.Columns.Right);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["cropping"] = new[] { new[] { Cropping.Rows.Top, Cropping.Rows.Bottom }, new[] { Cropping.Columns.Left, Cropping.Columns.Right } };
        config["data_format"] = "channels_last";
        return config;
    }
}
