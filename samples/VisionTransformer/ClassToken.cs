using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

/// <summary>Takes the class token, the first of the sequence: (batch, tokens, features) in, (batch, features) out.</summary>
[KerasSerializable(package: "VisionTransformer")]
public sealed class ClassToken : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public ClassToken(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 2) throw Incompatible("(tokens, features) sequences", inputShape);
        return [inputShape[1]];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => inputs.select(1, 0);
}
