namespace Pipeline;

/// <summary>
/// <c>tf.data.Options</c>: settings that apply to a whole pipeline. Attach with
/// <c>dataset.WithOptions(new DatasetOptions { Deterministic = false })</c>; the options of the dataset you
/// iterate apply to every step upstream of it.
/// </summary>
public sealed record DatasetOptions
{
    /// <summary>The defaults: deterministic order, autotuned parallelism up to the processor count.</summary>
    public static DatasetOptions Default { get; } = new();

    /// <summary>
    /// Default for the <c>deterministic</c> argument of parallel steps that leave it unset: true keeps input order
    /// (tf.data's <c>options.deterministic</c>), false lets faster elements overtake slower ones.
    /// </summary>
    public bool Deterministic { get; init; } = true;

    /// <summary>
    /// Upper bound on the worker threads one parallel step uses; <see cref="Dataset.Autotune"/> means
    /// <see cref="Environment.ProcessorCount"/> (tf.data's <c>threading.private_threadpool_size</c>).
    /// </summary>
    public int ThreadPoolSize { get; init; } = Dataset.Autotune;

    /// <summary>What <see cref="Dataset.Autotune"/> parallelism resolves to under these options.</summary>
    public int ResolvedParallelism => ThreadPoolSize > 0 ? ThreadPoolSize : Math.Max(1, Environment.ProcessorCount);
}
