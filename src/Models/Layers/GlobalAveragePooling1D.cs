using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>GlobalAveragePooling1D</c>: the mean over the steps of a sequence, (batch, steps, features) → (batch, features).</summary>
public sealed class GlobalAveragePooling1D : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="keepdims">Keep the steps axis with length 1: (batch, 1, features).</param>
    /// <param name="name">Optional layer name.</param>
    public GlobalAveragePooling1D(bool keepdims = false, string? name = null) : base(name) => Keepdims = keepdims;

    /// <summary>Whether the steps axis is kept with length 1.</summary>
    public bool Keepdims { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 2) throw Incompatible("ndim=3 (batch, steps, features)", inputShape);
        return Keepdims ? [1, inputShape[1]] : [inputShape[1]];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.mean([1], keepdim: Keepdims);
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
