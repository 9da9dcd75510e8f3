using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Declares the shape of one input sample, channels-last like Keras (<c>keras.Input(shape=(32, 32, 3))</c>). In the
/// functional API it is the symbolic input itself (it converts to a <see cref="KerasTensor"/>):
/// <c>var inputs = new Input([32, 32, 3]); var x = new Conv2D(32, 3).Apply(inputs);</c>. As the first layer of a
/// <see cref="Sequential"/> it builds the model at once, so <c>Summary()</c> works before training.
/// </summary>
public sealed class Input : Layer
{
    /// <summary>Declares an input of <paramref name="shape"/> (batch dimension excluded), e.g. <c>[32, 32, 3]</c>.</summary>
    /// <param name="shape">Per-sample shape; every dimension positive.</param>
    /// <param name="name">Optional layer name (input_1, input_2, ... in a model when null).</param>
    public Input(int[] shape, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 || shape.Any(d => d <= 0))
            throw new ArgumentException($"Input shape must have at least one dimension, all positive; got {ShapeText(shape)}.", nameof(shape));
        Shape = [.. shape];
        Built = true;
        SetShapes([shape], [shape]);
        _ = new Node(this, [], [[.. shape]]);
    }

    /// <summary>The declared per-sample shape.</summary>
    public IReadOnlyList<int> Shape { get; }

    internal override string KerasClassName => "InputLayer";

    internal override string DefaultNamePrefix => "input";

    /// <summary>The symbolic tensor this input stands for.</summary>
    /// <param name="input">The input.</param>
    public static implicit operator KerasTensor(Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.InboundNodes[0].Outputs[0];
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => inputs;

    /// <summary>Keras 3's InputLayer config: batch_shape (with null for the batch), dtype, sparse, name.</summary>
    public override Dictionary<string, object?> GetConfig() => new(StringComparer.Ordinal)
    {
        ["batch_shape"] = new object?[] { null }.Concat(Shape.Cast<object?>()).ToArray(),
        ["dtype"] = Dtype,
        ["sparse"] = false,
        ["name"] = Name,
    };
}
