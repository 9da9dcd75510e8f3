using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Randomly zeroes a fraction of inputs during training and scales the rest (Keras's <c>layers.Dropout</c>).</summary>
public sealed class Dropout : Layer
{
    /// <summary>Creates a dropout layer.</summary>
    /// <param name="rate">Fraction of inputs to drop, in [0, 1).</param>
    /// <param name="name">Optional layer name.</param>
    public Dropout(double rate, string? name = null) : base(name)
    {
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "Dropout: rate must be in [0, 1).");
        Rate = rate;
    }

    /// <summary>Fraction of inputs dropped during training.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) =>
        training && Rate > 0 ? nn.functional.dropout(inputs, Rate, training: true) : inputs;

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = null;
        config["noise_shape"] = null;
        return config;
    }
}
