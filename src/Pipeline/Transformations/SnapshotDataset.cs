using System.Globalization;
using System.Text;
using Pipeline.IO;

namespace Pipeline;

/// <summary>
/// <c>Snapshot(path)</c>: the elements of the input, saved on disk in a directory of chunk files (<see cref="ElementFile"/>s,
/// Cache's format) as they go by; once one iteration completed, every later iteration (in this process or the next)
/// reads the chunks instead of running the input.
/// </summary>
/// <remarks>
/// Files in the directory: <c>snapshot.plan</c> (the element type and the input's plan, written first), chunks
/// <c>chunk-00000.snapshot</c>, ... each published whole when it reaches the chunk size, and <c>snapshot.complete</c>
/// (the chunk and element counts), published after the last chunk. Without that last file the snapshot is unfinished,
/// never read as complete: the next iteration resumes it, yielding the published chunks' elements, replaying the input
/// past them (computed and dropped) and writing the rest. Resuming therefore needs an input that yields the same
/// elements in the same order each time, as tf.data's snapshot does.
/// </remarks>
sealed class SnapshotDataset<T>(Dataset<T> input, string path, long chunkBytes) : UnaryDataset<T, T>(input)
{
    const string PlanMagic = "PIPELINE-SNAPSHOT-1";

    protected override PlanStep CreateStep() => new PlanStep("Snapshot", StepKind.Cache).With("path", $"'{path}'", positional: true);

    public override long Cardinality() => Input.Cardinality();

    static string ChunkName(int i) => $"chunk-{i.ToString("D5", CultureInfo.InvariantCulture)}.snapshot";

    string Remedy(string directory) => $"Delete the directory '{directory}' to rebuild the snapshot.";

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        if (!ElementCodec.Supports(typeof(T)))
            throw new NotSupportedException($"Snapshot('{path}'): elements of type {typeof(T).Name} cannot be written to a file; map them to tensors, tuples, dictionaries or IElementStructure types first.");
        var directory = Path.GetFullPath(path);
        Directory.CreateDirectory(directory);
        CheckPlan(directory);
        var complete = Path.Combine(directory, "snapshot.complete");
        return File.Exists(complete) ? ReadComplete(directory, complete, context) : Write(directory, complete, context);
    }

    /// <summary>Writes (or checks) the element type and the input's plan, so that a different pipeline never reads or resumes this snapshot.</summary>
    void CheckPlan(string directory)
    {
        var file = Path.Combine(directory, "snapshot.plan");
        var expected = $"{PlanMagic}\n{typeof(T)}\n{Input}\n";
        if (!File.Exists(file))
        {
            AtomicFileStream.WriteAllBytes(file, Encoding.UTF8.GetBytes(expected));
            return;
        }
        var found = File.ReadAllText(file, Encoding.UTF8);
        if (found != expected)
            throw new InvalidDataException($"Snapshot: '{directory}' was written by another pipeline: its snapshot.plan says '{found.Replace('\n', ' ').Trim()}', " +
                $"this one is '{expected.Replace('\n', ' ').Trim()}'. Use another path, or delete the directory to rebuild the snapshot.");
    }

    IEnumerable<T> ReadComplete(string directory, string complete, IterationContext context)
    {
        var lines = File.ReadAllLines(complete);
        if (lines.Length != 3 || lines[0] != PlanMagic || !int.TryParse(lines[1], CultureInfo.InvariantCulture, out var chunks) ||
            !long.TryParse(lines[2], CultureInfo.InvariantCulture, out var elements) || chunks < 0)
            throw new InvalidDataException($"Snapshot: '{complete}' is damaged (expected '{PlanMagic}', a chunk count and an element count on three lines). {Remedy(directory)}");
        long read = 0;
        for (var i = 0; i < chunks; i++)
        {
            var chunk = Path.Combine(directory, ChunkName(i));
            if (!File.Exists(chunk))
                throw new InvalidDataException($"Snapshot: '{chunk}' is missing; snapshot.complete lists {chunks} chunks. {Remedy(directory)}");
            foreach (var x in ElementFile.Read<T>(chunk, "Snapshot", Remedy(directory), context.CancellationToken))
            {
                read++;
                yield return x;
            }
        }
        if (read != elements)
            throw new InvalidDataException($"Snapshot: '{directory}' holds {read} elements in {chunks} chunks, but snapshot.complete says {elements}. {Remedy(directory)}");
    }

    IEnumerable<T> Write(string directory, string complete, IterationContext context)
    {
        // Resume: the chunks an earlier, unfinished iteration published (0, 1, ... without a gap) are kept and read back.
        var chunk = 0;
        long resumed = 0;
        while (File.Exists(Path.Combine(directory, ChunkName(chunk))))
        {
            foreach (var x in ElementFile.Read<T>(Path.Combine(directory, ChunkName(chunk)), "Snapshot", Remedy(directory), context.CancellationToken))
            {
                resumed++;
                yield return x;
            }
            chunk++;
        }
        long index = 0, total = resumed;
        ElementFile.Writer<T>? writer = null;
        try
        {
            foreach (var x in Input.Read(context))
            {
                if (index++ < resumed)
                {
                    Elements.Dispose(x);   // already in a published chunk
                    continue;
                }
                writer ??= new ElementFile.Writer<T>(Path.Combine(directory, ChunkName(chunk)));
                writer.Write(x);
                total++;
                if (writer.Bytes >= chunkBytes)
                {
                    writer.Complete();
                    writer.Dispose();
                    writer = null;
                    chunk++;
                }
                yield return x;
            }
            if (index < resumed)
                throw new InvalidDataException($"Snapshot: '{directory}' already holds {resumed} elements from an unfinished iteration, but the input now yields only {index}; " +
                    $"the input changed. {Remedy(directory)}");
            if (writer is not null)
            {
                writer.Complete();
                chunk++;
            }
            AtomicFileStream.WriteAllBytes(complete, Encoding.UTF8.GetBytes(
                $"{PlanMagic}\n{chunk.ToString(CultureInfo.InvariantCulture)}\n{total.ToString(CultureInfo.InvariantCulture)}\n"));
        }
        finally
        {
            writer?.Dispose();   // an unfinished chunk is discarded; the published ones stay for the next iteration to resume
        }
    }
}
