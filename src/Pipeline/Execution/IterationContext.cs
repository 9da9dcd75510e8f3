namespace Pipeline;

/// <summary>
/// What one iteration (epoch) of a pipeline passes from the consumer to every step upstream: the cancellation
/// token and the pipeline's options. A dataset forwards it unchanged (or with a linked token) to its inputs.
/// </summary>
public sealed class IterationContext
{
    /// <summary>Creates a context.</summary>
    public IterationContext(CancellationToken cancellationToken, DatasetOptions? options = null)
    {
        CancellationToken = cancellationToken;
        Options = options ?? DatasetOptions.Default;
    }

    /// <summary>Cancels the iteration; steps check it between elements and background work stops on it.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The options of the dataset being iterated.</summary>
    public DatasetOptions Options { get; }

    /// <summary>The same options with another token (used by steps that run their input in the background).</summary>
    public IterationContext WithToken(CancellationToken cancellationToken) => new(cancellationToken, Options);
}
