using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// The layer graph between a functional model's inputs and outputs, ordered once at construction so that running it
/// is a walk over an array: each node reads its input slots, calls its layer and fills its output slots.
/// </summary>
internal sealed class FunctionalGraph
{
    readonly int[] _inputSlots;
    readonly int[] _outputSlots;
    readonly (Node Node, int[] In, int[] Out)[] _steps;
    readonly int _slotCount;

    internal FunctionalGraph(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string modelName)
    {
        Inputs = [.. inputs];
        Outputs = [.. outputs];
        if (Inputs.Length == 0) throw new ArgumentException($"Model \"{modelName}\": inputs must not be empty.", nameof(inputs));
        if (Outputs.Length == 0) throw new ArgumentException($"Model \"{modelName}\": outputs must not be empty.", nameof(outputs));
        if (Inputs.Distinct().Count() != Inputs.Length)
            throw new ArgumentException($"Model \"{modelName}\": the same input tensor is listed twice in inputs.", nameof(inputs));

        var slots = new Dictionary<KerasTensor, int>(ReferenceEqualityComparer.Instance);
        int Slot(KerasTensor t)
        {
            if (!slots.TryGetValue(t, out var s)) slots[t] = s = slots.Count;
            return s;
        }
        _inputSlots = [.. Inputs.Select(Slot)];
        var inputSet = new HashSet<KerasTensor>(Inputs, ReferenceEqualityComparer.Instance);

        // Depth-first post-order from the outputs: every node after the nodes it reads from.
        var order = new List<Node>();
        var done = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var active = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        void Visit(KerasTensor t)
        {
            if (inputSet.Contains(t)) return;
            var node = t.Node;
            if (done.Contains(node)) return;
            if (node.Inputs.Count == 0)
                throw new ArgumentException(
                    $"Graph disconnected: cannot find the value of tensor {t} at layer \"{node.Layer.Name}\": it is not among the model's inputs. " +
                    $"The following previous layers were accessed without issue: [{string.Join(", ", order.Select(n => $"'{n.Layer.Name}'").Distinct())}].",
                    nameof(inputs));
            if (!active.Add(node)) throw new InvalidOperationException($"The graph has a cycle through layer \"{node.Layer.Name}\".");
            foreach (var i in node.Inputs) Visit(i);
            active.Remove(node);
            done.Add(node);
            order.Add(node);
        }
        foreach (var o in Outputs) Visit(o);

        Nodes = [.. order];
        _steps = [.. order.Select(n => (n, n.Inputs.Select(Slot).ToArray(), n.Outputs.Select(Slot).ToArray()))];
        _outputSlots = [.. Outputs.Select(Slot)];
        _slotCount = slots.Count;

        var layers = new List<Layer>();
        foreach (var t in Inputs)
            if (t.Node.Inputs.Count == 0 && !layers.Contains(t.Layer)) layers.Add(t.Layer);
        foreach (var n in Nodes)
            if (!layers.Contains(n.Layer)) layers.Add(n.Layer);
        Layers = [.. layers];

        var byName = Layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1 && g.All(l => l.HasExplicitName));
        if (byName is not null)
            throw new ArgumentException(
                $"The name \"{byName.Key}\" is used {byName.Count()} times in the model \"{modelName}\". All layer names should be unique.", nameof(outputs));
    }

    internal KerasTensor[] Inputs { get; }

    internal KerasTensor[] Outputs { get; }

    /// <summary>The nodes in execution order (input nodes excluded).</summary>
    internal Node[] Nodes { get; }

    /// <summary>The model's layers: its input layers, then every applied layer once, in execution order.</summary>
    internal Layer[] Layers { get; }

    /// <summary>Every node of the model, input nodes included.</summary>
    internal IEnumerable<Node> AllNodes => Inputs.Where(t => t.Node.Inputs.Count == 0).Select(t => t.Node).Concat(Nodes);

    /// <summary>Runs the graph on eager tensors, one per input.</summary>
    internal Tensor[] Run(IReadOnlyList<Tensor> inputs, bool training)
    {
        var values = new Tensor?[_slotCount];
        for (int i = 0; i < _inputSlots.Length; i++) values[_inputSlots[i]] = inputs[i];
        foreach (var (node, inSlots, outSlots) in _steps)
        {
            if (inSlots.Length == 1 && outSlots.Length == 1)
            {
                // The common case, without list allocations.
                values[outSlots[0]] = node.Layer.Call(values[inSlots[0]]!, training);
                continue;
            }
            var args = new Tensor[inSlots.Length];
            for (int i = 0; i < args.Length; i++) args[i] = values[inSlots[i]]!;
            var results = node.Layer.Invoke(args, training);
            for (int i = 0; i < outSlots.Length; i++) values[outSlots[i]] = results[i];
        }
        var outputs = new Tensor[_outputSlots.Length];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = values[_outputSlots[i]]!;
        return outputs;
    }

    /// <summary>
    /// Keras 2's test for the plain summary table: one node per depth, each with at most one input, and no layer
    /// applied twice.
    /// </summary>
    internal bool IsSequentialLike
    {
        get
        {
            if (Inputs.Length != 1 || Outputs.Length != 1) return false;
            if (Nodes.Any(n => n.Inputs.Count > 1 || n.Outputs.Count > 1)) return false;
            if (Nodes.GroupBy(n => n.Layer).Any(g => g.Count() > 1)) return false;
            // A chain: each node reads the previous node's output.
            var previous = Inputs[0];
            foreach (var n in Nodes)
            {
                if (!ReferenceEquals(n.Inputs[0], previous)) return false;
                previous = n.Outputs[0];
            }
            return ReferenceEquals(previous, Outputs[0]);
        }
    }
}
