using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>AveragePooling2D</c> over channels-last images. With "same" padding the window average leaves out the
/// padded positions, as TensorFlow does (edge windows average fewer values).
/// </summary>
public sealed class AveragePooling2D : Layer
{
    readonly string _padding;

    /// <summary>Creates the layer with a square window.</summary>
    /// <param name="poolSize">Window height and width.</param>
    /// <param name="strides">Step; the pool size when null.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="name">Optional layer name.</param>
    public AveragePooling2D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null)
        : this((poolSize, poolSize), strides is int s ? (s, s) : null, padding, name) { }

    /// <summary>Creates the layer with a rectangular window.</summary>
    /// <param name="poolSize">(height, width) of the window.</param>
    /// <param name="strides">(vertical, horizontal) step; the pool size when null.</param>
    /// <param name="padding">"valid" or "same".</param>
    /// <param name="name">Optional layer name.</param>
    public AveragePooling2D((int Height, int Width) poolSize, (int Vertical, int Horizontal)? strides = null, string padding = "valid", string? name = null)
        : base(name)
    {
        ConvGeometry.RequirePositive(poolSize, nameof(poolSize), nameof(AveragePooling2D));
        PoolSize = poolSize;
        Strides = strides ?? (poolSize.Height, poolSize.Width);
        ConvGeometry.RequirePositive(Strides, nameof(strides), nameof(AveragePooling2D));
        _padding = ConvGeometry.ResolvePadding(padding, nameof(AveragePooling2D));
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
        if (inputShape.Length != 3) throw Incompatible("ndim=4 (batch, height, width, channels)", inputShape);
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
        var x = inputs.permute(0, 3, 1, 2);
        long[] kernel = [PoolSize.Height, PoolSize.Width], stride = [Strides.Vertical, Strides.Horizontal];
        if (_padding == "same")
        {
            var (top, bottom) = ConvGeometry.SamePadding((int)x.shape[2], PoolSize.Height, Strides.Vertical);
            var (left, right) = ConvGeometry.SamePadding((int)x.shape[3], PoolSize.Width, Strides.Horizontal);
            if (top + bottom + left + right > 0)
            {
                // Sum over the zero-padded input divided by how many real values each window holds.
                using var scope = NewDisposeScope();
                var padded = nn.functional.avg_pool2d(nn.functional.pad(x, [left, right, top, bottom]), kernel, stride);
                var counts = nn.functional.avg_pool2d(
                    nn.functional.pad(ones(1, 1, x.shape[2], x.shape[3], x.dtype, x.device), [left, right, top, bottom]), kernel, stride);
                return padded.div(counts).permute(0, 2, 3, 1).MoveToOuterDisposeScope();
            }
        }
        return nn.functional.avg_pool2d(x, kernel, stride).permute(0, 2, 3, 1);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["pool_size"] = LayerConfig.Pair(PoolSize);
        config["strides"] = LayerConfig.Pair(Strides);
        config["padding"] = Padding;
        config["data_format"] = "channels_last";
        return config;
    }
}
