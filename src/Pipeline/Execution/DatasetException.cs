namespace Pipeline;

/// <summary>
/// A failure inside a pipeline (typically in a user function given to <c>Map</c>, <c>Filter</c>, ...), rethrown
/// on the consuming thread with the step and the element index it happened at. The original exception is
/// <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates the exception for a failure in <paramref name="stage"/> on element <paramref name="elementIndex"/>.</summary>
    public DatasetException(string stage, long elementIndex, Exception innerException)
        : base($"{stage} failed on element {elementIndex}: {innerException.Message}", innerException)
    {
        Stage = stage;
        ElementIndex = elementIndex;
    }

    /// <summary>The step that failed as the plan prints it, e.g. <c>Map(Parse, numParallelCalls=AUTOTUNE)</c>.</summary>
    public string Stage { get; }

    /// <summary>Zero-based index, within the current iteration, of the input element the step was processing.</summary>
    public long ElementIndex { get; }
}
