using Pipeline.Runtime;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// The optimizer's variables in Keras 3's order: <c>iterations</c> (int64 scalar), <c>learning_rate</c> (float32
/// scalar; absent when a schedule drives it, as in Keras), then the per-weight state in Keras's order (Adam: momentum and
/// velocity of each trainable weight, interleaved), in Keras's layout, then scalar state such as Nadam's u_product. Loading them makes <c>Fit</c> continue exactly
/// where the saved run stopped.
/// </summary>
internal static class OptimizerState
{
    /// <summary>The compiled optimizer as a saveable, or null for an uncompiled model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="slots">The per-weight state when the optimizer has any (it has trained), else null.</param>
    public static Saveable? For(Model model, IReadOnlyList<OptimizerSlot>? slots)
    {
        if (model.Optimizer is not { } optimizer) return null;
        bool hasLearningRate = optimizer.Schedule is null;
        var state = slots ?? [];
        // Scalar state (Nadam's u_product) exists once the optimizer has state, as in Keras once it is built.
        var scalars = slots is null ? [] : optimizer.ScalarState;
        string[] names = ["iteration", .. hasLearningRate ? new[] { "learning_rate" } : [], .. state.Select((x, i) => $"{x.Variable.Path}_{i}"), .. scalars.Select(s => s.Name)];
        long[][] shapes = [[], .. hasLearningRate ? new long[][] { [] } : [], .. state.Select(x => x.Variable.Shape), .. scalars.Select(_ => Array.Empty<long>())];
        return new Saveable("optimizer", optimizer.Name, $"optimizer ({optimizer.GetType().Name})", names, shapes,
            copies =>
            {
                var values = new List<HostValue> { copies.AddMade(ScalarTensor(optimizer.Iterations)) };
                if (hasLearningRate) values.Add(copies.AddMade(ScalarTensor((float)optimizer.LearningRate)));
                foreach (var (variable, _, slot) in state)
                    values.Add(copies.AddKerasLayout(variable.Shape, slot.dtype, () => variable.ToKerasLayout(slot)));
                foreach (var (_, value) in scalars) values.Add(copies.AddMade(ScalarTensor((float)value)));
                return values;
            },
            _ => throw new InvalidOperationException("Optimizer state is loaded through OptimizerState.Plan."));
    }

    /// <summary>
    /// Checks <paramref name="entry"/> against the model's optimizer and returns the action that loads it, or null when
    /// there is nothing to load. A file with a different number of optimizer variables (another optimizer, or one saved
    /// before training) loads only the iteration count and says so on the runtime log, as Keras warns; a state of the
    /// wrong shape is an error.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="entry">The file's optimizer variables.</param>
    /// <param name="fileName">For messages.</param>
    /// <param name="slots">Creates (or returns) the optimizer's per-weight state in Keras's order.</param>
    public static Action? Plan(Model model, WeightsEntry entry, string fileName, Func<IReadOnlyList<OptimizerSlot>> slots)
    {
        if (model.Optimizer is not { } optimizer || entry.Values.Count < 1) return null;
        long iterations = (long)ScalarValue(entry.Values[0].Value);
        int first = optimizer.Schedule is null ? 2 : 1;
        if (entry.Values.Count <= first) return () => optimizer.RestoreIterations(iterations);
        var state = slots();
        int scalars = optimizer.ScalarState.Count;
        if (entry.Values.Count != first + state.Count + scalars)
        {
            TorchRuntime.Log($"{fileName}: skipping the state of optimizer '{optimizer.Name}': it has {first + state.Count + scalars} variables " +
                $"whereas the saved optimizer has {entry.Values.Count}; only the iteration count is restored.");
            return () => optimizer.RestoreIterations(iterations);
        }
        for (int i = 0; i < state.Count; i++)
        {
            var expected = state[i].Variable.Shape;
            long[] actual = entry.Values[first + i].Shape;
            if (!expected.SequenceEqual(actual))
                throw new KerasFileException(fileName,
                    $"optimizer variable {first + i} ('optimizer/vars/{first + i}', state of weight \"{state[i].Variable.Path}\") expects shape {Variable.ShapeText(expected)}, the file has {Variable.ShapeText(actual)}; the model is unchanged.");
        }
        return () =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            for (int i = 0; i < state.Count; i++)
            {
                var (variable, _, slot) = state[i];
                slot.copy_(variable.ToStorageLayout(entry.Values[first + i].Value));
            }
            if (scalars > 0)
                optimizer.RestoreScalarState([.. entry.Values.Skip(first + state.Count).Select(v => ScalarValue(v.Value))]);
            optimizer.RestoreIterations(iterations);
        };
    }

    /// <summary>A 0-d CPU tensor the caller owns (Keras's scalar optimizer variables).</summary>
    internal static Tensor ScalarTensor(long value) => tensor(value).DetachFromDisposeScope();

    /// <inheritdoc cref="ScalarTensor(long)"/>
    internal static Tensor ScalarTensor(float value) => tensor(value).DetachFromDisposeScope();

    /// <summary>The value of a one-element tensor of any numeric dtype.</summary>
    internal static double ScalarValue(Tensor value)
    {
        using var asDouble = value.to_type(ScalarType.Float64);
        return asDouble.item<double>();
    }
}
