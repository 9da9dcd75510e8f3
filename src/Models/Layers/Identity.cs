using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Identity</c>: returns its input unchanged (a placeholder, e.g. an optional block left out).</summary>
public sealed class Identity : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public Identity(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => inputs;
}
