using Pipeline.IO;

namespace Pipeline;

/// <summary>
/// <c>Cache</c>: the first complete iteration stores every element (in memory, or in a file); later iterations read
/// the store instead of the input. An iteration that stops early (break, cancellation, error) discards what it
/// stored, so a partial cache is never served as complete. File caches are <see cref="ElementFile"/>s (Snapshot's format):
/// written with <see cref="AtomicFileStream"/>, renamed into place only once complete, every element CRC-checked on reading.
/// </summary>
sealed class CacheDataset<T>(Dataset<T> input, string? filename) : UnaryDataset<T, T>(input)
{
    List<T>? _memory;

    protected override PlanStep CreateStep()
    {
        var step = new PlanStep("Cache", StepKind.Cache);
        if (!string.IsNullOrEmpty(filename)) step.With("filename", $"'{filename}'", positional: true);
        return step;
    }

    public override long Cardinality() => Input.Cardinality();

    /// <summary>True once an iteration completed and its elements are stored.</summary>
    internal bool IsComplete => string.IsNullOrEmpty(filename) ? Volatile.Read(ref _memory) is not null : File.Exists(filename);

    protected override IEnumerable<T> Iterate(IterationContext context) =>
        string.IsNullOrEmpty(filename) ? FromMemory(context) : FromFile(context, Path.GetFullPath(filename));

    IEnumerable<T> FromMemory(IterationContext context)
    {
        if (Volatile.Read(ref _memory) is { } stored)
        {
            foreach (var x in stored)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                yield return Elements.Share(x);
            }
            yield break;
        }
        var filling = new List<T>();
        var complete = false;
        try
        {
            foreach (var x in Input.Read(context))
            {
                filling.Add(x);
                yield return Elements.Share(x);
            }
            complete = Interlocked.CompareExchange(ref _memory, filling, null) is null;
        }
        finally
        {
            if (!complete) foreach (var x in filling) Elements.Dispose(x);
        }
    }

    IEnumerable<T> FromFile(IterationContext context, string path)
    {
        if (!ElementCodec.Supports(typeof(T)))
            throw new NotSupportedException($"Cache('{filename}'): elements of type {typeof(T).Name} cannot be written to a file; cache in memory (Cache()) or map them to tensors first.");
        if (File.Exists(path))
        {
            foreach (var x in ElementFile.Read<T>(path, "Cache", "Delete the file to rebuild the cache.", context.CancellationToken)) yield return x;
            yield break;
        }
        // Stopped early or failed: the partial file is removed, never renamed into place (the writer's Dispose). Complete:
        // published (a concurrent iteration that completed the same cache first wrote equivalent content).
        using var writer = new ElementFile.Writer<T>(path);
        foreach (var x in Input.Read(context))
        {
            writer.Write(x);
            yield return x;
        }
        writer.Complete();
    }
}
