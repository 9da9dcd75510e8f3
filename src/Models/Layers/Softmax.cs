using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Softmax</c> layer: softmax along <see cref="Axis"/> (the last axis by default).</summary>
public sealed class Softmax : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="axis">The axis normalised over, counting the batch axis as 0; negative counts from the end.</param>
    /// <param name="name">Optional layer name.</param>
    public Softmax(int axis = -1, string? name = null) : base(name) => Axis = axis;

    /// <summary>The axis normalised over.</summary>
    public int Axis { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        int rank = inputShape.Length + 1;
        if (Axis < -rank || Axis >= rank || Axis == 0 || Axis == -rank)
            throw Incompatible($"an axis ({Axis}) other than the batch axis within rank {rank}", inputShape);
        return inputShape;
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => global::Pipeline.Models.Activations.Softmax(inputs, Axis);

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis;
        return config;
    }
}
