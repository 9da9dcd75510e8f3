using Pipeline.Models.Layers;

namespace Pipeline.Models;

/// <summary>
/// A symbolic tensor of the functional API (Keras's <c>KerasTensor</c>): a shape, a dtype and the layer application
/// that produced it. Create one with <see cref="Input"/>, pass it through layers with <c>layer.Apply(x)</c>, and
/// build a model from the inputs and outputs: <c>new Model(inputs, outputs)</c>.
/// </summary>
public sealed class KerasTensor
{
    readonly int[] _shape;

    internal KerasTensor(int[] shape, Node node, int tensorIndex)
    {
        _shape = shape;
        Node = node;
        TensorIndex = tensorIndex;
    }

    /// <summary>The shape of one sample (the batch dimension, None in Keras, is excluded).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The element type, "float32".</summary>
    public string Dtype => "float32";

    /// <summary>The producing layer's name, with the output index when it has several outputs.</summary>
    public string Name => Node.Outputs.Count == 1 ? Layer.Name : $"{Layer.Name}_{TensorIndex}";

    /// <summary>The node (layer application) that produced this tensor.</summary>
    internal Node Node { get; }

    /// <summary>The producing layer (first part of Keras's <c>_keras_history</c>).</summary>
    internal Layer Layer => Node.Layer;

    /// <summary>Which application of <see cref="Layer"/> produced it (second part of <c>_keras_history</c>).</summary>
    internal int NodeIndex => Node.Index;

    /// <summary>Which output of that application (third part of <c>_keras_history</c>).</summary>
    internal int TensorIndex { get; }

    /// <inheritdoc />
    public override string ToString() => $"<KerasTensor shape={Layer.ShapeText(_shape)}, dtype={Dtype}, name={Name}>";
}
