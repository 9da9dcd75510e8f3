using Pipeline.Models.Layers;
using Pipeline.Runtime;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// Connects a model to Keras 2's HDF5 weights layout: each of <c>model.layers</c> with its weights in Keras 2's order
/// (trainable weights, then non-trainable ones), matched by position (Keras's topological loading) or by layer name.
/// </summary>
internal static class LegacyBinding
{
    /// <summary>Keras 2's weight order for <paramref name="layer"/>.</summary>
    static IReadOnlyList<Variable> LegacyWeights(Layer layer) => [.. layer.TrainableWeights, .. layer.NonTrainableWeights];

    /// <summary>The model's layers as Keras 2 writes them (weight names like "dense_1/kernel:0"), their values queued on <paramref name="copies"/>.</summary>
    public static List<LegacyH5Weights.SavedLayer> Snapshot(Model model, HostCopies copies) =>
        [.. model.Layers.Select(layer =>
        {
            var weights = LegacyWeights(layer);
            return new LegacyH5Weights.SavedLayer(layer.Name, [.. weights.Select(w => $"{w.Path}:0")],
                [.. weights.Select(w => copies.AddKerasLayout(w.Shape, w.Dtype, () => w.Value))]);
        })];

    /// <summary>
    /// Loads <paramref name="saved"/> into <paramref name="model"/>: by position among the layers that have weights, or by
    /// name. Everything is checked before anything changes; <paramref name="skipMismatch"/> skips layers whose weight count
    /// or shapes differ (each reported on the runtime log).
    /// </summary>
    /// <returns>The file's name of each weight loaded (e.g. "dense_1/kernel:0"), by which Keras 2 names optimizer state.</returns>
    public static IReadOnlyDictionary<Variable, string> Load(Model model, IReadOnlyList<LegacyH5Weights.Layer> saved, string fileName, bool byName, bool skipMismatch)
    {
        var plan = new List<(IReadOnlyList<Variable> Targets, LegacyH5Weights.Layer Saved)>();
        var problems = new List<string>();
        if (byName)
        {
            var index = model.Layers.GroupBy(l => l.Name).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            for (int k = 0; k < saved.Count; k++)
                foreach (var layer in index.GetValueOrDefault(saved[k].Name) ?? [])
                    Match(layer, saved[k], k, plan, problems);
        }
        else
        {
            var layers = model.Layers.Where(l => LegacyWeights(l).Count > 0).ToList();
            var withWeights = saved.Where(l => l.Values.Count > 0).ToList();
            if (layers.Count != withWeights.Count)
                throw new KerasFileException(fileName,
                    $"layer count mismatch when loading weights: the model has {layers.Count} layers with weights " +
                    $"({string.Join(", ", layers.Select(l => l.Name))}), the file has {withWeights.Count} " +
                    $"({string.Join(", ", withWeights.Select(l => l.Name))}). Load by name (byName: true) to match layers by their names.");
            for (int k = 0; k < layers.Count; k++) Match(layers[k], withWeights[k], k, plan, problems);
        }
        if (problems.Count > 0 && !skipMismatch)
            throw new KerasFileException(fileName,
                $"{problems.Count} layer(s) do not fit; the model is unchanged. {string.Join(" ", problems.Take(5))}" + (problems.Count > 5 ? $" ... and {problems.Count - 5} more." : ""));
        foreach (var p in problems) TorchRuntime.Log($"Skipping weights of {fileName}: {p}");
        // Every value is proven readable before the first weight changes (then read straight into the weights).
        foreach (var (_, layer) in plan)
            foreach (var v in layer.Values) v.CheckComplete();
        var names = new Dictionary<Variable, string>(ReferenceEqualityComparer.Instance);
        foreach (var (targets, layer) in plan)
            for (int i = 0; i < targets.Count; i++)
            {
                layer.Values[i].LoadInto(targets[i]);
                names[targets[i]] = layer.WeightNames[i];
            }
        return names;
    }

    static void Match(Layer layer, LegacyH5Weights.Layer saved, int k, List<(IReadOnlyList<Variable>, LegacyH5Weights.Layer)> plan, List<string> problems)
    {
        var targets = LegacyWeights(layer);
        var what = $"layer #{k} (named \"{layer.Name}\" in the model, \"{saved.Name}\" in the file)";
        if (targets.Count != saved.Values.Count)
        {
            problems.Add($"{what} expects {targets.Count} weight(s), the file has {saved.Values.Count}.");
            return;
        }
        for (int i = 0; i < targets.Count; i++)
        {
            long[] actual = saved.Values[i].Shape;
            if (!actual.SequenceEqual(targets[i].Shape))
            {
                problems.Add($"{what} weight \"{targets[i].Name}\" (file: \"{saved.WeightNames[i]}\") expects shape {Variable.ShapeText(targets[i].Shape)}, the file has {Variable.ShapeText(actual)}.");
                return;
            }
        }
        if (targets.Count > 0) plan.Add((targets, saved));
    }
}
