using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>LeakyReLU</c> layer: x for x ≥ 0, <see cref="NegativeSlope"/> · x below (Keras 3's default slope 0.3).</summary>
public sealed class LeakyReLU : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="negativeSlope">Slope of the negative part; >= 0.</param>
    /// <param name="name">Optional layer name.</param>
    public LeakyReLU(double negativeSlope = 0.3, string? name = null) : base(name)
    {
        if (!(negativeSlope >= 0))
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, $"The negative_slope value of a Leaky ReLU layer cannot be None or negative. Received: {negativeSlope}");
        NegativeSlope = negativeSlope;
    }

    /// <summary>Slope of the negative part.</summary>
    public double NegativeSlope { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => global::Pipeline.Models.Activations.LeakyRelu(inputs, NegativeSlope);

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["negative_slope"] = NegativeSlope;
        return config;
    }
}
