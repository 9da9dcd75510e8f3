using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>ZeroPadding2D</c>: adds rows and columns of zeros around channels-last images.</summary>
public sealed class ZeroPadding2D : Layer
{
    /// <summary>Pads every side by <paramref name="padding"/>.</summary>
    /// <param name="padding">Rows/columns added on each side.</param>
    /// <param name="name">Optional layer name.</param>
    public ZeroPadding2D(int padding = 1, string? name = null) : this(((padding, padding), (padding, padding)), name) { }

    /// <summary>Pads ((top, bottom), (left, right)).</summary>
    /// <param name="padding">Rows and columns added on each side.</param>
    /// <param name="name">Optional layer name.</param>
    public ZeroPadding2D(((int Top, int Bottom) Rows, (int Left, int Right) Columns) padding, string? name = null) : base(name)
    {
        if (new[] { padding.Rows.Top, padding.Rows.Bottom, padding.Columns.Left, padding.Columns.Right }.Any(p => p < 0))
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "ZeroPadding2D: padding must be >= 0.");
        Padding = padding;
    }

    /// <summary>((top, bottom), (left, right)).</summary>
    public ((int Top, int Bottom) Rows, (int Left, int Right) Columns) Padding { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 3) throw Incompatible("ndim=4 (batch, height, width, channels)", inputShape);
        return [inputShape[0] + Padding.Rows.Top + Padding.Rows.Bottom, inputShape[1] + Padding.Columns.Left + Padding.Columns.Right, inputShape[2]];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // Padded as an NCHW view so a channels_last batch stays channels_last.
        var x = nn.functional.pad(inputs.permute(0, 3, 1, 2), [Padding.Columns.Left, Padding.Columns.Right, Padding.Rows.Top, Padding.Rows.Bottom]);
        return x.permute(0, 2, 3, 1);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["padding"] = new[] { new[] { Padding.Rows.Top, Padding.Rows.Bottom }, new[] { Padding.Columns.Left, Padding.Columns.Right } };
        config["data_format"] = "channels_last";
        return config;
    }
}
