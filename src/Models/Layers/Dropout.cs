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

    internal override bool LayoutAgnostic => true;

    internal override int[] ComputeOutputShapeAndBuild(int[] inputShape, BuildContext context) => inputShape;

    internal override Tensor Call(Tensor x, bool training) =>
        training && Rate > 0 ? nn.functional.dropout(x, Rate, training: true) : x;
}
