using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>2-D max pooling over channels-last images (Keras's <c>layers.MaxPooling2D</c>).</summary>
public sealed class MaxPooling2D : Layer
{
    readonly string _padding;

    /// <summary>Creates a square pooling window.</summary>
    /// <param name="poolSize">Window height and width.</param>
    /// <param name="strides">Step; null means <paramref name="poolSize"/>, as in Keras.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="name">Optional layer name.</param>
    public MaxPooling2D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null)
        : this((poolSize, poolSize), strides is int s ? (s, s) : null, padding, name) { }

    /// <summary>Creates a rectangular pooling window.</summary>
    /// <param name="poolSize">(height, width) of the window.</param>
    /// <param name="strides">(vertical, horizontal) step; null means <paramref name="poolSize"/>.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="name">Optional layer name.</param>
    public MaxPooling2D((int Height, int Width) poolSize, (int Vertical, int Horizontal)? strides = null, string padding = "valid", string? name = null)
        : base(name)
    {
        ConvGeometry.RequirePositive(poolSize, nameof(poolSize), nameof(MaxPooling2D));
        PoolSize = poolSize;
        Strides = strides ?? poolSize;
        ConvGeometry.RequirePositive(Strides, nameof(strides), nameof(MaxPooling2D));
        _padding = ConvGeometry.ResolvePadding(padding, nameof(MaxPooling2D));
    }

    /// <summary>(height, width) of the window.</summary>
    public (int Height, int Width) PoolSize { get; }

    /// <summary>(vertical, horizontal) step.</summary>
    public (int Vertical, int Horizontal) Strides { get; }

    /// <summary>"valid" or "same".</summary>
    public string Padding => _padding;

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 3)
            throw Incompatible("ndim=4 (batch, height, width, channels)", inputShape);
        int oh = ConvGeometry.OutputSize(inputShape[0], PoolSize.Height, Strides.Vertical, _padding);
        int ow = ConvGeometry.OutputSize(inputShape[1], PoolSize.Width, Strides.Horizontal, _padding);
        if (oh <= 0 || ow <= 0)
            throw Incompatible($"height and width of at least the pool size {PoolSize.Height}x{PoolSize.Width} with padding \"valid\"", inputShape);
        return [oh, ow, inputShape[2]];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // (N, H, W, C) seen as NCHW through a view; the pooled result is viewed back, no copies.
        var x = inputs.permute(0, 3, 1, 2);
        if (_padding == "same")
        {
            var (top, bottom) = ConvGeometry.SamePadding((int)x.shape[2], PoolSize.Height, Strides.Vertical);
            var (left, right) = ConvGeometry.SamePadding((int)x.shape[3], PoolSize.Width, Strides.Horizontal);
            if (top + bottom + left + right > 0) x = nn.functional.pad(x, [left, right, top, bottom], value: double.NegativeInfinity);
        }
        return nn.functional.max_pool2d(x, [PoolSize.Height, PoolSize.Width], [Strides.Vertical, Strides.Horizontal]).permute(0, 2, 3, 1);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["pool_size"] = LayerConfig.Pair(PoolSize);
        config["padding"] = Padding;
        config["strides"] = LayerConfig.Pair(Strides);
        config["data_format"] = "channels_last";
        return config;
    }
}
