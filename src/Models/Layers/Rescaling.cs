using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Multiplies inputs by <see cref="Scale"/> and adds <see cref="Offset"/> (Keras's <c>layers.Rescaling</c>, e.g. 1/255 for images).</summary>
public sealed class Rescaling : Layer
{
    /// <summary>Creates a rescaling layer.</summary>
    /// <param name="scale">Factor applied to every input.</param>
    /// <param name="offset">Value added after scaling.</param>
    /// <param name="name">Optional layer name.</param>
    public Rescaling(double scale, double offset = 0, string? name = null) : base(name)
    {
        Scale = scale;
        Offset = offset;
        _scale = scale.ToScalar();
        _offset = offset.ToScalar();
    }

    // Held for the layer's lifetime: a temporary Scalar may be finalized mid-call (see Training.Scalars).
    readonly TorchSharp.Scalar _scale;
    readonly TorchSharp.Scalar _offset;

    /// <summary>Factor applied to every input.</summary>
    public double Scale { get; }

    /// <summary>Value added after scaling.</summary>
    public double Offset { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var x = inputs.is_floating_point() ? inputs : inputs.to_type(ScalarType.Float32);
        return Offset == 0 ? x.mul(_scale) : x.mul(_scale).add_(_offset, Training.Scalars.One);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["scale"] = Scale;
        config["offset"] = Offset;
        return config;
    }
}
