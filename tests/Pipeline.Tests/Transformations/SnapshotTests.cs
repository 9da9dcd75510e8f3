using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transformations;

/// <summary>
/// <c>Snapshot(path)</c>: a second iteration (or run) reads the saved elements; an interrupted write is resumed, never
/// read as complete; damaged data is an error naming the file and the byte offset. Cache files share the format.
/// </summary>
public sealed class SnapshotTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("pipeline-snapshot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    int _calls;

    /// <summary>Ten (image-like tensor, label) pairs; counts how often the input is computed.</summary>
    Dataset<(Tensor, long)> Input() => Dataset.Range(10).Map(i =>
    {
        Interlocked.Increment(ref _calls);
        return (torch.full([2, 3], (float)i), i * 10);
    });

    /// <summary>Each element as text: its six values, then its label.</summary>
    static List<string> Read(IEnumerable<(Tensor, long)> ds) =>
        ds.Select(e => { using (e.Item1) return $"{string.Join(",", e.Item1.data<float>().ToArray())}:{e.Item2}"; }).ToList();

    static readonly List<string> Expected = [.. Enumerable.Range(0, 10).Select(i => $"{string.Join(",", Enumerable.Repeat(i, 6))}:{i * 10}")];

    // Chunks of about 100 bytes: one element (24 bytes of floats plus dtype, shape and label) per chunk.
    Dataset<(Tensor, long)> Snapshotted(string name) => new SnapshotDataset<(Tensor, long)>(Input(), Path.Combine(_dir, name), chunkBytes: 50);

    [Fact]
    public void The_second_iteration_and_a_new_pipeline_read_the_snapshot_without_running_the_input()
    {
        var ds = Input().Snapshot(Path.Combine(_dir, "snap"));
        Assert.Equal("Range(10) -> Map(lambda) -> Snapshot('" + Path.Combine(_dir, "snap") + "')", ds.ToString());
        Assert.Equal(Expected, Read(ds));
        Assert.Equal(10, _calls);
        Assert.Equal(Expected, Read(ds));
        Assert.Equal(Expected, Read(Input().Snapshot(Path.Combine(_dir, "snap"))));   // as a later run would
        Assert.Equal(10, _calls);
        Assert.True(File.Exists(Path.Combine(_dir, "snap", "snapshot.complete")));
    }

    [Fact]
    public void An_interrupted_write_is_resumed_from_its_finished_chunks_and_never_read_as_complete()
    {
        var ds = Snapshotted("snap");
        Assert.Equal(Expected.Take(4), Read(new TakeView(ds, 4)));   // stops after 4 of 10
        var dir = Path.Combine(_dir, "snap");
        Assert.False(File.Exists(Path.Combine(dir, "snapshot.complete")));
        var finished = Directory.GetFiles(dir, "chunk-*.snapshot").Order().ToList();
        Assert.Equal(4, finished.Count);   // chunks 0..3 (one element each) were finished before the consumer stopped
        var written = finished.ToDictionary(f => f, File.GetLastWriteTimeUtc);

        _calls = 0;
        Assert.Equal(Expected, Read(ds));   // complete: 4 elements from disk, the input replayed past them, 6 written
        Assert.Equal(10, _calls);
        Assert.All(written, kv => Assert.Equal(kv.Value, File.GetLastWriteTimeUtc(kv.Key)));   // kept, not rewritten
        Assert.True(File.Exists(Path.Combine(dir, "snapshot.complete")));
        Assert.Equal(10, Directory.GetFiles(dir, "chunk-*.snapshot").Length);

        _calls = 0;
        Assert.Equal(Expected, Read(ds));
        Assert.Equal(0, _calls);
    }

    [Fact]
    public void An_iteration_that_fails_leaves_no_complete_snapshot()
    {
        var path = Path.Combine(_dir, "failing");
        var failing = Dataset.Range(10).Map(i => i == 6 ? throw new InvalidOperationException("boom") : torch.full([2], (float)i)).Snapshot(path);
        Assert.Throws<DatasetException>(() => { foreach (var t in failing) t.Dispose(); });
        Assert.False(File.Exists(Path.Combine(path, "snapshot.complete")));
        Assert.Empty(Directory.GetFiles(path, "*.tmp"));   // the unfinished chunk (elements 0..5, under 64 MiB) is gone
        Assert.Empty(Directory.GetFiles(path, "chunk-*"));
    }

    [Fact]
    public void A_damaged_chunk_is_an_error_naming_the_file_and_the_byte_offset_of_the_bad_element()
    {
        var ds = Snapshotted("snap");
        Assert.Equal(Expected, Read(ds));
        var chunk = Path.Combine(_dir, "snap", "chunk-00004.snapshot");
        var bytes = File.ReadAllBytes(chunk);
        var frame = FirstFrame(bytes);
        bytes[frame + 9 + 20] ^= 0x40;   // a bit inside the element's payload
        File.WriteAllBytes(chunk, bytes);
        var error = Assert.Throws<InvalidDataException>(() => Read(ds));
        Assert.Contains($"Snapshot: '{chunk}' is corrupt at byte offset {frame}: the CRC-32 of element 0", error.Message);
        Assert.Contains("Delete the directory", error.Message);

        File.WriteAllBytes(chunk, bytes[..(frame + 5)]);   // cut inside the element's header
        var truncated = Assert.Throws<InvalidDataException>(() => Read(ds));
        Assert.Contains($"'{chunk}' is corrupt at byte offset {frame}: the header of element 0 is cut short", truncated.Message);
    }

    [Fact]
    public void A_different_pipeline_is_refused_at_the_same_path()
    {
        var path = Path.Combine(_dir, "snap");
        Assert.Equal(Expected, Read(Input().Snapshot(path)));
        var other = Dataset.Range(3).Map(i => (torch.zeros(1), i)).Snapshot(path);
        var error = Assert.Throws<InvalidDataException>(() => other.ToList());
        Assert.Contains("was written by another pipeline", error.Message);
        Assert.Contains("Range(10)", error.Message);
        Assert.Contains("Range(3)", error.Message);
    }

    [Fact]
    public void Cache_files_are_checked_the_same_way()
    {
        var file = Path.Combine(_dir, "cache.bin");
        var ds = Input().Cache(file);
        Assert.Equal(Expected, Read(ds));
        var bytes = File.ReadAllBytes(file);
        var frame = FirstFrame(bytes);
        bytes[frame + 9 + 20] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        var error = Assert.Throws<InvalidDataException>(() => Read(ds));
        Assert.Contains($"Cache: '{file}' is corrupt at byte offset {frame}: the CRC-32 of element 0", error.Message);
        Assert.Contains("Delete the file to rebuild the cache.", error.Message);
    }

    /// <summary>Offset of the first element frame: after the header's two length-prefixed strings (magic, type).</summary>
    static int FirstFrame(byte[] file)
    {
        using var reader = new BinaryReader(new MemoryStream(file));
        reader.ReadString();
        reader.ReadString();
        Assert.Equal(1, file[reader.BaseStream.Position]);
        return (int)reader.BaseStream.Position;
    }

    /// <summary>The first <c>n</c> elements of one iteration, then the iteration is abandoned (a break in a foreach).</summary>
    sealed class TakeView(Dataset<(Tensor, long)> ds, int n) : IEnumerable<(Tensor, long)>
    {
        public IEnumerator<(Tensor, long)> GetEnumerator()
        {
            var i = 0;
            foreach (var x in ds)
            {
                yield return x;
                if (++i == n) yield break;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
