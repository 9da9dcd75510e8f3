using NumSharp;
using Pipeline.Models.Optimizers;
using Pipeline.Runtime;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// The optimizer's variables in Keras 3's order: <c>iterations</c> (int64 scalar), <c>learning_rate</c> (float32
/// scalar), then the per-weight state (Adam: momentum and velocity of each trainable weight, interleaved), in Keras's
/// layout. Loading them makes <c>Fit</c> continue exactly where the saved run stopped.
/// </summary>
internal static class OptimizerState
{
    /// <summary>The compiled optimizer as a saveable, or null for an uncompiled model.</summary>
    public static Saveable? For(Model model)
    {
        if (model.Optimizer is not { } optimizer) return null;
        var state = optimizer.State;
        var slots = state is { } s ? s.Updater.KerasSlots.Select(x => (Variable: s.Variables[x.Weight], x.State)).ToArray() : [];
        string[] names = ["iteration", "learning_rate", .. slots.Select((x, i) => $"{x.Variable.Path}_{i}")];
        long[][] shapes = [[], [], .. slots.Select(x => x.Variable.Shape)];
        return new Saveable("optimizer", SerializationRegistry.ToSnakeCase(optimizer.GetType().Name), $"optimizer ({optimizer.GetType().Name})",
            names, shapes,
            () =>
            {
                var values = new List<NDArray>
                {
                    np.array(optimizer.Iterations).reshape(Shape.Scalar),
                    np.array((float)optimizer.LearningRate).reshape(Shape.Scalar),
                };
                foreach (var (variable, slot) in slots)
                {
                    using var scope = NewDisposeScope();
                    values.Add(variable.ToKerasLayout(slot).ToNDArray());
                }
                return values;
            },
            _ => throw new InvalidOperationException("Optimizer state is loaded through OptimizerState.Plan."));
    }

    /// <summary>
    /// Checks <paramref name="entry"/> against the model's optimizer and returns the action that loads it, or null when
    /// there is nothing to load. A file with a different number of optimizer variables (another optimizer, or one saved
    /// before training) is skipped with a line on the runtime log, as Keras warns; a shape that does not fit is an error.
    /// </summary>
    public static Action? Plan(Model model, WeightsEntry entry, string fileName)
    {
        if (model.Optimizer is not { } optimizer) return null;
        if (entry.Values.Count < 1) return null;
        long iterations = Convert.ToInt64(entry.Values[0].GetValue(), System.Globalization.CultureInfo.InvariantCulture);
        if (entry.Values.Count <= 2)
            return () => optimizer.UpdaterFor(model.TrainableWeights, model).RestoreIterations(iterations);
        var updater = optimizer.UpdaterFor(model.TrainableWeights, model);
        var variables = model.TrainableWeights;
        var slots = updater.KerasSlots;
        if (entry.Values.Count != 2 + slots.Count)
        {
            TorchRuntime.Log($"Skipping variable loading for optimizer '{SerializationRegistry.ToSnakeCase(optimizer.GetType().Name)}' from {fileName}, " +
                $"because it has {2 + slots.Count} variables whereas the saved optimizer has {entry.Values.Count} variables.");
            return null;
        }
        for (int i = 0; i < slots.Count; i++)
        {
            var expected = variables[slots[i].Weight].Shape;
            long[] actual = [.. entry.Values[2 + i].shape.Select(d => (long)d)];
            if (!expected.SequenceEqual(actual))
                throw new KerasFileException(fileName,
                    $"optimizer variable {2 + i} ('optimizer/vars/{2 + i}', state of weight \"{variables[slots[i].Weight].Path}\") expects shape {Variable.ShapeText(expected)}, the file has {Variable.ShapeText(actual)}; the model is unchanged.");
        }
        return () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            for (int i = 0; i < slots.Count; i++)
            {
                var (weight, state) = slots[i];
                using var value = entry.Values[2 + i].ToTensor();
                state.copy_(variables[weight].ToStorageLayout(value));
            }
            updater.RestoreIterations(iterations);
        };
    }
}
