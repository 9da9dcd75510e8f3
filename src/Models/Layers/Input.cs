using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Declares the shape of one input sample, channels-last like Keras (<c>keras.Input(shape=(32, 32, 3))</c>).
/// As the first layer of a <see cref="Sequential"/> it builds the model at once, so <c>Summary()</c> works before training.
/// </summary>
public sealed class Input : Layer
{
    /// <summary>Declares an input of <paramref name="shape"/> (batch dimension excluded), e.g. <c>[32, 32, 3]</c>.</summary>
    /// <param name="shape">Per-sample shape; every dimension positive.</param>
    /// <param name="name">Optional layer name.</param>
    public Input(int[] shape, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 || shape.Any(d => d <= 0))
            throw new ArgumentException($"Input shape must have at least one dimension, all positive; got {ShapeText(shape)}.", nameof(shape));
        Shape = [.. shape];
    }

    /// <summary>The declared per-sample shape.</summary>
    public IReadOnlyList<int> Shape { get; }

    internal override bool LayoutAgnostic => true;

    internal override int[] ComputeOutputShapeAndBuild(int[] inputShape, BuildContext context) => [.. Shape];

    internal override Tensor Call(Tensor x, bool training) => x;
}
