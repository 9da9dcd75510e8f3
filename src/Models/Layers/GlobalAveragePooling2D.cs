using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>GlobalAveragePooling2D</c>: the mean over height and width, (batch, h, w, c) → (batch, c).</summary>
public sealed class GlobalAveragePooling2D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepdims">Keep the spatial axes with length 1: (batch, 1, 1, channels).</param>
    /// <param name="name">Optional layer name.</param>
    public GlobalAveragePooling2D(bool keepdims = false, string? name = null) : base(name) => Keepdims = keepdims;

    /// <summary>Whether the spatial axes are kept with length 1.</summary>
    public bool Keepdims { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 3) throw Incompatible("ndim=4 (batch, height, width, channels)", inputShape);
        return Keepdims ? [1, 1, inputShape[2]] : [inputShape[2]];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.mean([1, 2], keepdim: Keepdims);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["data_format"] = "channels_last";
        config["keepdims"] = Keepdims;
        return config;
    }
}
