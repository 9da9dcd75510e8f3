namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>dataset.map(f)</c>: applies <paramref name="function"/> to each element.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="function">The function; it receives ownership of its input (the step disposes the parts of the
    /// input not returned in the output, so the function need not). It runs inside its own dispose scope: tensors it
    /// creates and does not return are freed when it returns. What it returns belongs to the receiver, who disposes
    /// it, so return <c>constant.alias()</c> rather than a tensor you keep using elsewhere.</param>
    /// <param name="numParallelCalls">1 (default) runs on the consumer's thread; N runs up to N calls at once on worker
    /// threads; <see cref="Autotune"/> uses <see cref="DatasetOptions.ThreadPoolSize"/> (by default the processor count).</param>
    /// <param name="deterministic">With parallel calls: true keeps input order, false yields results as they complete;
    /// null follows <see cref="DatasetOptions.Deterministic"/> (true by default).</param>
    /// <param name="traits">What the lint should know about the function: <see cref="StepTraits.Random"/> for
    /// augmentation, <see cref="StepTraits.Expensive"/> for decoding; given, they are used as they are. Without them the
    /// function is random when its code calls a random source (a method marked <see cref="RandomOpAttribute"/>, such as
    /// the library's random image ops, a <c>torch.rand*</c>/<c>normal</c>/<c>bernoulli</c> sampler or
    /// <c>System.Random</c>), directly or through methods of yours; calls through delegates cannot be followed, so a
    /// name containing Random, Augment, Noise, Flip, Crop or Jitter also counts as random. A name containing Decode,
    /// Parse, Load, Read or Resize counts as expensive. docs/pipeline-lint.md states the rule.</param>
    /// <param name="name">How the plan names the function (default: the method name, or <c>lambda</c>).</param>
    public static Dataset<TOut> Map<TIn, TOut>(this Dataset<TIn> dataset, Func<TIn, TOut> function,
        int numParallelCalls = 1, bool? deterministic = null, StepTraits? traits = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(function);
        CheckParallelism(numParallelCalls, nameof(numParallelCalls));
        var fname = name ?? FunctionNames.Of(function);
        return new MapDataset<TIn, TOut>(dataset, function, fname, numParallelCalls, deterministic, traits ?? InferTraits(function, fname));
    }

    /// <summary>
    /// <c>dataset.map(lambda x, y: ...)</c>: <see cref="Map{TIn, TOut}"/> for pair elements, with the pair unpacked
    /// into two arguments as tf.data does.
    /// </summary>
    /// <param name="dataset">The input.</param>
    /// <param name="function">The function of both components.</param>
    /// <param name="numParallelCalls">See <see cref="Map{TIn, TOut}"/>.</param>
    /// <param name="deterministic">See <see cref="Map{TIn, TOut}"/>.</param>
    /// <param name="traits">See <see cref="Map{TIn, TOut}"/>.</param>
    /// <param name="name">See <see cref="Map{TIn, TOut}"/>.</param>
    public static Dataset<TOut> Map<T1, T2, TOut>(this Dataset<(T1, T2)> dataset, Func<T1, T2, TOut> function,
        int numParallelCalls = 1, bool? deterministic = null, StepTraits? traits = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        var fname = name ?? FunctionNames.Of(function);
        // The traits are read from the user's function: the unpacking lambda only calls it through a delegate.
        return dataset.Map(e => function(e.Item1, e.Item2), numParallelCalls, deterministic, traits ?? InferTraits(function, fname), fname);
    }

    /// <summary>The traits of a user function given none: the calls its code makes, then its name (documented on Map).</summary>
    internal static StepTraits InferTraits(Delegate function, string functionName) => GuessTraits(functionName) | RandomTraits(function);

    /// <summary><see cref="StepTraits.Random"/> when <paramref name="function"/>'s code reaches a random source.</summary>
    internal static StepTraits RandomTraits(Delegate function) => RandomCalls.Reach(function) ? StepTraits.Random : StepTraits.None;

    /// <summary>Traits guessed from a function's name when the caller gave none; documented on Map.</summary>
    internal static StepTraits GuessTraits(string functionName)
    {
        var traits = StepTraits.None;
        string[] random = ["random", "augment", "noise", "flip", "crop", "jitter"];
        string[] expensive = ["decode", "parse", "load", "read", "resize"];
        if (random.Any(w => functionName.Contains(w, StringComparison.OrdinalIgnoreCase))) traits |= StepTraits.Random;
        if (expensive.Any(w => functionName.Contains(w, StringComparison.OrdinalIgnoreCase))) traits |= StepTraits.Expensive;
        return traits;
    }

    static void CheckParallelism(int value, string name)
    {
        if (value != Autotune && value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1 or Dataset.Autotune ({Autotune}), but was {value}.");
    }
}
