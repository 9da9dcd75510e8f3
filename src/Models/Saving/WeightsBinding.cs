using System.Collections;
using Pipeline.Models.Layers;
using Pipeline.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// Connects a model to Keras 3's weights layout: which objects hold variables, under which paths Keras puts them, and
/// loading that checks every count and shape before it changes anything, so a failed load leaves the model as it was.
/// </summary>
internal static class WeightsBinding
{
    /// <summary>
    /// The model's saveables in Keras's order and paths: the model's own variables at "", the layers of a Sequential or
    /// functional model under <c>layers/&lt;class in snake case&gt;[_n]</c>, nested layers under their field names (in
    /// snake case), collections of layers under the field name plus class-name counters, and the optimizer's variables
    /// under <c>optimizer</c> when it has any.
    /// </summary>
    public static List<Saveable> Collect(Model model, bool includeOptimizer)
    {
        var result = new List<Saveable>();
        var visited = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        AddLayer(model, "", result, visited);
        if (includeOptimizer && OptimizerState.For(model, model.OptimizerSlotsIfAny()) is { } optimizer) result.Add(optimizer);
        return result;
    }

    static void AddLayer(Layer layer, string path, List<Saveable> result, HashSet<Layer> visited)
    {
        if (!visited.Add(layer)) return;
        var nested = new HashSet<Variable>(layer.Layers.SelectMany(l => l.Weights), ReferenceEqualityComparer.Instance);
        var own = layer.Weights.Where(w => !nested.Contains(w)).ToArray();
        var description = $"layer \"{layer.Name}\" ({layer.GetType().Name})";
        if (layer.KerasWeightGroups is { } groups)
        {
            var grouped = new HashSet<Variable>(groups.SelectMany(g => g.Variables), ReferenceEqualityComparer.Instance);
            result.Add(ForVariables(path, layer.Name, description, [.. own.Where(w => !grouped.Contains(w))]));
            foreach (var (sub, variables) in groups)
                result.Add(ForVariables(Join(path, sub), sub, $"{description} {sub}", variables));
        }
        else result.Add(ForVariables(path, layer.Name, description, own));
        if (layer is Model model && (model is Sequential || model.Graph is not null))
        {
            var used = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var child in model.Layers)
                if (!visited.Contains(child))
                    AddLayer(child, Join(path, "layers/" + Unique(SerializationRegistry.ToSnakeCase(child.KerasClassName), used)), result, visited);
            return;
        }
        foreach (var (name, value) in layer.TrackedFieldsByName())
        {
            var childPath = Join(path, SerializationRegistry.ToSnakeCase(name));
            switch (value)
            {
                case Layer child:
                    AddLayer(child, childPath, result, visited);
                    break;
                case IDictionary dictionary:
                    AddContainer(dictionary.Values, childPath, result, visited);
                    break;
                case IEnumerable items:
                    AddContainer(items, childPath, result, visited);
                    break;
            }
        }
    }

    static void AddContainer(IEnumerable items, string path, List<Saveable> result, HashSet<Layer> visited)
    {
        // Keras does not name a container's layers by their names (often generated), but by class and position.
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in items)
            if (item is Layer layer && !visited.Contains(layer))
                AddLayer(layer, Join(path, Unique(SerializationRegistry.ToSnakeCase(layer.KerasClassName), used)), result, visited);
    }

    static Saveable ForVariables(string path, string name, string description, IReadOnlyList<Variable> variables) => new(
        path, name, description,
        [.. variables.Select(v => v.Name)],
        [.. variables.Select(v => v.Shape)],
        copies => [.. variables.Select(v => copies.AddKerasLayout(v.Shape, v.Dtype, () => v.Value))],
        values =>
        {
            for (int i = 0; i < variables.Count; i++) values[i].LoadInto(variables[i]);
        });

    /// <summary>Keras's unique naming within one container: dense, dense_1, dense_2, ...</summary>
    static string Unique(string name, Dictionary<string, int> used)
    {
        if (used.TryGetValue(name, out var n))
        {
            used[name] = n + 1;
            return $"{name}_{n + 1}";
        }
        used[name] = 0;
        return name;
    }

    static string Join(string a, string b) => a.Length == 0 ? b : $"{a}/{b}";

    /// <summary>The model's variables as Keras 3 weights entries to write, their values queued on <paramref name="copies"/>.</summary>
    public static List<SavedEntry> Snapshot(Model model, bool includeOptimizer, HostCopies copies) =>
        [.. Collect(model, includeOptimizer).Select(s => new SavedEntry(s.Path, s.Name, s.Read(copies)))];

    /// <summary>
    /// Loads <paramref name="entries"/> into <paramref name="model"/>. Every count and shape is checked first; with
    /// <paramref name="skipMismatch"/> objects that do not fit are left as they are (and reported on the runtime log),
    /// otherwise the first problems are thrown together and nothing is changed. Then every value to load is checked to
    /// be wholly in the file, and only then are the weights written, each read straight into its storage where the
    /// layouts agree (<see cref="StoredTensor.LoadInto"/>).
    /// </summary>
    public static void Load(Model model, IReadOnlyDictionary<string, WeightsEntry> entries, string fileName, bool skipMismatch, bool includeOptimizer)
    {
        var saveables = Collect(model, includeOptimizer: false);
        var plan = new List<(Saveable Target, IReadOnlyList<StoredTensor> Values)>();
        var problems = new List<string>();
        foreach (var s in saveables)
        {
            var problem = Check(s, entries, plan);
            if (problem is not null) problems.Add(problem);
        }
        var optimizerEntry = includeOptimizer ? entries.GetValueOrDefault("optimizer") : null;
        var loadOptimizer = optimizerEntry is null ? null : OptimizerState.Plan(model, optimizerEntry, fileName, model.OptimizerSlotsForTraining);
        if (problems.Count > 0 && !skipMismatch)
            throw new KerasFileException(fileName,
                $"{problems.Count} object(s) could not be loaded; the model is unchanged. {string.Join(" ", problems.Take(5))}" +
                (problems.Count > 5 ? $" ... and {problems.Count - 5} more." : ""));
        foreach (var p in problems) TorchRuntime.Log($"Skipping weights of {fileName}: {p}");
        // Every value is proven readable before the first weight changes, so the values can then be read straight
        // into the weights (no tensor in between) and a bad file still leaves the model as it was.
        foreach (var (_, values) in plan)
            foreach (var v in values) v.CheckComplete();
        if (loadOptimizer is not null)
            foreach (var v in optimizerEntry!.Values) v.CheckComplete();
        foreach (var (target, values) in plan) target.Write(values);
        loadOptimizer?.Invoke();
    }

    static string? Check(Saveable s, IReadOnlyDictionary<string, WeightsEntry> entries, List<(Saveable, IReadOnlyList<StoredTensor>)> plan)
    {
        if (!entries.TryGetValue(s.Path, out var entry))
            return s.Shapes.Count == 0 ? null
                : $"{s.Description} has {s.Shapes.Count} weight(s) but the file has no group '{Vars(s.Path)}'.";
        if (entry.Values.Count != s.Shapes.Count)
            return $"{s.Description} expects {s.Shapes.Count} weight(s) ({string.Join(", ", s.WeightNames)}); '{Vars(s.Path)}' holds {entry.Values.Count}.";
        for (int i = 0; i < s.Shapes.Count; i++)
        {
            long[] actual = entry.Values[i].Shape;
            if (!actual.SequenceEqual(s.Shapes[i]))
                return $"{s.Description} weight \"{s.WeightNames[i]}\" ('{Vars(s.Path)}/{i}') expects shape {Variable.ShapeText(s.Shapes[i])}, the file has {Variable.ShapeText(actual)}.";
        }
        if (s.Shapes.Count > 0) plan.Add((s, entry.Values));
        return null;
    }

    static string Vars(string path) => path.Length == 0 ? "vars" : $"{path}/vars";
}
