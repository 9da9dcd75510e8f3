using Pipeline.Models.Optimizers;
using Pipeline.Runtime;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// The optimizer state of Keras 2's full-model <c>.h5</c> files: group <c>optimizer_weights</c>, attribute
/// <c>weight_names</c> listing datasets below it in the optimizer's variable order. Two naming schemes exist and both
/// are read: Keras 2.0-2.10 (<c>Adam/iter:0</c>, then <c>Adam/dense/kernel/m:0</c> for every weight, then every
/// <c>.../v:0</c>; optionally under <c>training/</c>) and Keras 2.11+ (<c>iteration:0</c>, then
/// <c>Adam/m/dense/kernel:0</c>, <c>Adam/v/dense/kernel:0</c>, ... weight by weight). Slots are matched to weights by
/// the weight names the file's <c>model_weights</c> gives them, so the order of the list does not matter. We write the
/// Keras 2.11+ scheme, in Keras's order.
/// </summary>
internal static class LegacyOptimizerWeights
{
    const string Group = "optimizer_weights";

    /// <summary>
    /// Adds the optimizer state of <paramref name="model"/> (when it has any) to <paramref name="writer"/>, its values
    /// queued on <paramref name="copies"/>.
    /// </summary>
    public static void Write(H5Writer writer, Model model, HostCopies copies)
    {
        if (model.Optimizer is not { } optimizer) return;
        var slots = model.OptimizerSlotsIfAny();
        // Keras 2 writes nothing for an optimizer that has never been built (never trained).
        if (slots is null && optimizer.Iterations == 0) return;
        var prefix = Prefix(optimizer);
        var names = new List<string> { "iteration:0" };
        var values = new List<HostValue> { copies.AddMade(OptimizerState.ScalarTensor(optimizer.Iterations)) };
        foreach (var (variable, name, slot) in slots ?? [])
        {
            names.Add($"{prefix}/{Keras2SlotName(optimizer, name)}/{variable.Path}:0");
            values.Add(copies.AddKerasLayout(variable.Shape, slot.dtype, () => variable.ToKerasLayout(slot)));
        }
        if (slots is not null)
            foreach (var (name, value) in optimizer.ScalarState)
            {
                names.Add($"{prefix}/{name}:0");
                values.Add(copies.AddMade(OptimizerState.ScalarTensor((float)value)));
            }
        writer.Attribute(Group, "weight_names", names);
        for (int i = 0; i < names.Count; i++) writer.Dataset($"{Group}/{names[i]}", values[i]);
    }

    /// <summary>
    /// Reads the file's optimizer state and checks it against <paramref name="model"/>'s optimizer. Returns the action
    /// that loads it, or null when there is nothing to load. When the state does not fit (another optimizer, other
    /// weights, names we cannot place) it does as Keras does: a warning on the runtime log ("Error in loading the saved
    /// optimizer state") and a freshly initialized optimizer, since the weights themselves are fine.
    /// </summary>
    /// <param name="model">The model, compiled with the file's training config.</param>
    /// <param name="reader">The file.</param>
    /// <param name="weightNames">The file's name of each model weight (from <c>model_weights</c>), e.g. "dense/kernel:0".</param>
    /// <param name="owned">Receives the tensors read, to be disposed after the action ran.</param>
    public static Action? Plan(Model model, H5Reader reader, IReadOnlyDictionary<Variable, string> weightNames, List<Tensor> owned)
    {
        if (model.Optimizer is not { } optimizer || !reader.HasGroup(Group)) return null;
        var group = reader.Group(Group);
        var names = reader.StringsAttribute(group, "weight_names", Group);
        if (names.Count == 0) return null;
        var values = new List<Tensor>();
        foreach (var name in names)
        {
            var value = reader.ReadTensor($"{Group}/{name}");
            owned.Add(value);
            values.Add(value);
        }
        var problem = Match(optimizer, model.OptimizerSlotsForTraining(), weightNames, names, values, out var apply);
        if (problem is null) return apply;
        TorchRuntime.Log($"{reader.FileName}: Error in loading the saved optimizer state ({problem}). " +
            "As a result, the model starts with a freshly initialized optimizer.");
        return null;
    }

    static string? Match(Optimizer optimizer, IReadOnlyList<OptimizerSlot> slots, IReadOnlyDictionary<Variable, string> weightNames,
        IReadOnlyList<string> names, IReadOnlyList<Tensor> values, out Action? apply)
    {
        apply = null;
        var byFileName = new Dictionary<string, Variable>(StringComparer.Ordinal);
        foreach (var (variable, name) in weightNames) byFileName[StripIndex(name)] = variable;
        long? iterations = null;
        var fileSlots = new Dictionary<Variable, List<(string Name, Tensor Value)>>(ReferenceEqualityComparer.Instance);
        var scalars = new List<Tensor>();
        for (int i = 0; i < names.Count; i++)
        {
            var name = StripIndex(names[i]);
            var parts = name.Split('/');
            if (parts[^1] is "iter" or "iteration")
            {
                if (values[i].numel() != 1) return $"'{names[i]}' has shape {Variable.ShapeText(values[i].shape)}, expected a scalar";
                iterations = (long)OptimizerState.ScalarValue(values[i]);
            }
            else if (Place(parts, byFileName) is { } placed)
            {
                if (!fileSlots.TryGetValue(placed.Variable, out var list)) fileSlots[placed.Variable] = list = [];
                list.Add((names[i], values[i]));
            }
            else if (values[i].numel() == 1) scalars.Add(values[i]);
            else return $"'{names[i]}' names no weight of the model";
        }
        if (iterations is null) return "the file has no iteration count";

        // Our slots in Keras's order, grouped by weight (a weight's slots in the order Keras creates them).
        var ours = new Dictionary<Variable, List<OptimizerSlot>>(ReferenceEqualityComparer.Instance);
        foreach (var slot in slots)
        {
            if (!ours.TryGetValue(slot.Variable, out var list)) ours[slot.Variable] = list = [];
            list.Add(slot);
        }
        int fileCount = fileSlots.Values.Sum(l => l.Count), ourCount = slots.Count;
        if (fileCount != ourCount)
            return $"optimizer {optimizer.GetType().Name} has {ourCount} per-weight variables, the file has {fileCount}";
        foreach (var (variable, list) in ours)
        {
            if (!fileSlots.TryGetValue(variable, out var saved) || saved.Count != list.Count)
                return $"weight \"{variable.Path}\" has {list.Count} optimizer variables ({string.Join(", ", list.Select(s => s.Name))}), the file has {saved?.Count ?? 0}";
            for (int k = 0; k < list.Count; k++)
                if (!saved[k].Value.shape.SequenceEqual(variable.Shape))
                    return $"'{saved[k].Name}' has shape {Variable.ShapeText(saved[k].Value.shape)}, weight \"{variable.Path}\" has {Variable.ShapeText(variable.Shape)}";
        }
        if (scalars.Count != optimizer.ScalarState.Count)
            return $"optimizer {optimizer.GetType().Name} keeps {optimizer.ScalarState.Count} scalar variable(s), the file has {scalars.Count}";
        long restored = iterations.Value;
        apply = () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var (variable, list) in ours)
                for (int k = 0; k < list.Count; k++) list[k].Slot.copy_(variable.ToStorageLayout(fileSlots[variable][k].Value));
            if (scalars.Count > 0) optimizer.RestoreScalarState([.. scalars.Select(OptimizerState.ScalarValue)]);
            optimizer.RestoreIterations(restored);
        };
        return null;
    }

    /// <summary>
    /// The weight an optimizer variable belongs to: Keras 2.11+ names it <c>&lt;prefix&gt;/&lt;slot&gt;/&lt;weight&gt;</c>,
    /// Keras 2.0-2.10 <c>&lt;prefix&gt;/&lt;weight&gt;/&lt;slot&gt;</c>; the longest weight name that fits wins.
    /// </summary>
    static (Variable Variable, string Slot)? Place(string[] parts, Dictionary<string, Variable> byFileName)
    {
        for (int start = 1; start < parts.Length; start++)
        {
            if (byFileName.TryGetValue(string.Join('/', parts[start..]), out var v)) return (v, parts[start - 1]);
            if (byFileName.TryGetValue(string.Join('/', parts[(start - 1)..^1]), out v)) return (v, parts[^1]);
        }
        return null;
    }

    static string StripIndex(string name) => name.EndsWith(":0", StringComparison.Ordinal) ? name[..^2] : name;

    /// <summary>Keras 2's default optimizer name, which prefixes its variables: the class name (Adam, RMSprop, SGD, ...).</summary>
    static string Prefix(Optimizer optimizer) => optimizer.GetType().Name;

    /// <summary>Keras 2.11+'s slot names: Adam, AdamW, Nadam and SGD call momentum "m" and velocity "v"; RMSprop and Adagrad use Keras 3's names.</summary>
    static string Keras2SlotName(Optimizer optimizer, string name) => optimizer is RMSprop ? name : name switch
    {
        "momentum" => "m",
        "velocity" => "v",
        "velocity_hat" => "vhat",
        _ => name,
    };
}
