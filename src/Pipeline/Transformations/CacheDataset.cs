using Pipeline.IO;

namespace Pipeline;

/// <summary>
/// <c>Cache</c>: the first complete iteration stores every element (in memory, or in a file); later iterations read
/// the store instead of the input. An iteration that stops early (break, cancellation, error) discards what it
/// stored, so a partial cache is never served as complete. File caches are written with <see cref="AtomicFileStream"/>: renamed
/// into place only once complete.
/// </summary>
sealed class CacheDataset<T>(Dataset<T> input, string? filename) : UnaryDataset<T, T>(input)
{
    const string Magic = "PIPELINE-CACHE-1";
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
            foreach (var x in ReadFile(context, path)) yield return x;
            yield break;
        }
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var file = new AtomicFileStream(path);
        var complete = false;
        try
        {
            using (var writer = new BinaryWriter(file, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(typeof(T).ToString());
                foreach (var x in Input.Read(context))
                {
                    writer.Write(true);
                    ElementCodec.Write(writer, x!);
                    yield return x;
                }
                writer.Write(false);
            }
            complete = true;
        }
        finally
        {
            // Stopped early or failed: the partial file is removed, never renamed into place. Complete: published
            // (a concurrent iteration that completed the same cache first wrote equivalent content).
            if (!complete) file.Abort();
            file.Dispose();
        }
    }

    IEnumerable<T> ReadFile(IterationContext context, string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream);
        string magic, type;
        try
        {
            magic = reader.ReadString();
            type = reader.ReadString();
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"Cache: '{path}' is not a Pipeline cache file (too short).");
        }
        if (magic != Magic) throw new InvalidDataException($"Cache: '{path}' is not a Pipeline cache file (expected header '{Magic}', found '{magic}').");
        if (type != typeof(T).ToString())
            throw new InvalidDataException($"Cache: '{path}' holds elements of type {type}, but this dataset yields {typeof(T)}; delete the file or use another filename.");
        long index = 0;
        while (true)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            T element;
            try
            {
                if (!reader.ReadBoolean()) yield break;
                element = Elements.Detach((T)ElementCodec.Read(reader, typeof(T)));
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"Cache: '{path}' ends inside element {index}; the file is truncated. Delete it to rebuild the cache.", e);
            }
            index++;
            yield return element;
        }
    }
}
