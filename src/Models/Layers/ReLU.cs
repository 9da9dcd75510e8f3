using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>ReLU</c> layer: x for x ≥ threshold (capped at <see cref="MaxValue"/>), <see cref="NegativeSlope"/> ·
/// (x − threshold) below.
/// </summary>
public sealed class ReLU : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="maxValue">Upper cap, none when null; >= 0.</param>
    /// <param name="negativeSlope">Slope below the threshold; >= 0.</param>
    /// <param name="threshold">Where the function turns.</param>
    /// <param name="name">Optional layer name.</param>
    public ReLU(double? maxValue = null, double negativeSlope = 0.0, double threshold = 0.0, string? name = null) : base(name)
    {
        if (maxValue is double m && !(m >= 0))
            throw new ArgumentOutOfRangeException(nameof(maxValue), m, $"max_value of a ReLU layer cannot be a negative value. Received: {m}");
        if (!(negativeSlope >= 0))
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, $"negative_slope of a ReLU layer cannot be a negative value. Received: {negativeSlope}");
        (MaxValue, NegativeSlope, Threshold) = (maxValue, negativeSlope, threshold);
    }

    /// <summary>Upper cap, or null.</summary>
    public double? MaxValue { get; }

    /// <summary>Slope below the threshold.</summary>
    public double NegativeSlope { get; }

    /// <summary>Where the function turns.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => global::Pipeline.Models.Activations.Relu(inputs, NegativeSlope, MaxValue, Threshold);

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["max_value"] = MaxValue;
        config["negative_slope"] = NegativeSlope;
        config["threshold"] = Threshold;
        return config;
    }
}
