using Pipeline.Models.Layers;

namespace Pipeline.Models;

/// <summary>
/// One application of a layer to symbolic tensors (Keras's <c>Node</c>): which tensors went in, which came out. A
/// layer applied twice (a shared layer) has two nodes; Keras's saved configs refer to them as [layer, node index, tensor index].
/// </summary>
internal sealed class Node
{
    internal Node(Layer layer, IReadOnlyList<KerasTensor> inputs, IReadOnlyList<int[]> outputShapes)
    {
        Layer = layer;
        Inputs = [.. inputs];
        Index = layer.InboundNodes.Count;
        Outputs = [.. outputShapes.Select((s, i) => new KerasTensor(s, this, i))];
        layer.InboundNodes.Add(this);
    }

    /// <summary>The layer applied.</summary>
    internal Layer Layer { get; }

    /// <summary>The position of this node in <see cref="Layer"/>'s inbound nodes.</summary>
    internal int Index { get; }

    /// <summary>The symbolic inputs (none for an <see cref="Input"/>).</summary>
    internal IReadOnlyList<KerasTensor> Inputs { get; }

    /// <summary>The symbolic outputs.</summary>
    internal IReadOnlyList<KerasTensor> Outputs { get; }

    /// <summary>Keras's <c>iterate_inbound</c>: (layer, node index, tensor index) of each input.</summary>
    internal IEnumerable<(Layer Layer, int NodeIndex, int TensorIndex)> InboundHistory =>
        Inputs.Select(t => (t.Layer, t.NodeIndex, t.TensorIndex));
}
