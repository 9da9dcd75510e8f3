using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Flattens each sample to one dimension in channels-last order, as Keras does (<c>layers.Flatten</c>).</summary>
public sealed class Flatten : Layer
{
    /// <summary>Creates a flatten layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public Flatten(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        return [inputShape.Aggregate(1, (a, b) => checked(a * b))];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.reshape(inputs.shape[0], -1);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["data_format"] = "channels_last";
        return config;
    }
}
