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
    public IterationContext WithToken(CancellationToken cancellationToken) => new(cancellationToken, Options) { ErrorHandler = ErrorHandler };

    /// <summary>
    /// Set by <c>IgnoreErrors</c> for the steps upstream of it: a <c>Map</c> or <c>Filter</c> whose function throws
    /// reports the error here and drops the element instead of ending the iteration. Null: errors end the iteration.
    /// </summary>
    internal Action<DatasetException>? ErrorHandler { get; private init; }

    internal IterationContext WithOptions(DatasetOptions options) => new(CancellationToken, options) { ErrorHandler = ErrorHandler };

    internal IterationContext WithErrorHandler(Action<DatasetException> handler) => new(CancellationToken, Options) { ErrorHandler = handler };
}
