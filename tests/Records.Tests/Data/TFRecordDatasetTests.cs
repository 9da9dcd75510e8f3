using Pipeline.Records;

namespace Records.Tests.Data;

public class TFRecordDatasetTests
{
    /// <summary>Writes files whose records say which file and index they are: "f{file}r{index}".</summary>
    private static string[] WriteFiles(TempDir dir, params int[] counts)
    {
        var paths = new string[counts.Length];
        for (int f = 0; f < counts.Length; f++)
        {
            paths[f] = dir.File($"part-{f}.tfrecord");
            using var w = new TFRecordWriter(paths[f], TFRecordCompression.Gzip);
            for (int r = 0; r < counts[f]; r++) w.Write(System.Text.Encoding.ASCII.GetBytes($"f{f}r{r}"));
            w.Close();
        }
        return paths;
    }

    private static List<string> Names(IEnumerable<byte[]> ds) => ds.Select(b => System.Text.Encoding.ASCII.GetString(b)).ToList();

    [Fact]
    public void Files_are_read_one_after_another_in_order()
    {
        using var dir = new TempDir();
        var paths = WriteFiles(dir, 2, 0, 3);
        var ds = new TFRecordDataset(paths, TFRecordCompression.Gzip);
        Assert.Equal(["f0r0", "f0r1", "f2r0", "f2r1", "f2r2"], Names(ds));
        Assert.Equal(Names(ds), Names(ds)); // re-iterable
    }

    [Fact]
    public void Parallel_reads_interleave_one_record_per_file_in_tensorflows_deterministic_order()
    {
        using var dir = new TempDir();
        var paths = WriteFiles(dir, 3, 1, 2, 2);
        var ds = new TFRecordDataset(paths, TFRecordCompression.Gzip, numParallelReads: 2);
        // Cycle of 2 over f0, f1. Finding f1 exhausted uses up its turn (as in TF's InterleaveDatasetOp), so f0 goes
        // again; when the cycle returns to the empty slot, f2 opens there and yields at once; likewise f3 after f0.
        Assert.Equal(["f0r0", "f1r0", "f0r1", "f0r2", "f2r0", "f2r1", "f3r0", "f3r1"], Names(ds));
        Assert.Equal(Names(ds), Names(ds));
    }

    [Fact]
    public void An_error_in_a_file_read_in_parallel_reaches_the_consumer_with_the_file_name()
    {
        using var dir = new TempDir();
        var paths = WriteFiles(dir, 3, 3).ToList();
        var bad = dir.File("bad.tfrecord");
        File.WriteAllBytes(bad, [1, 2, 3]);
        paths.Insert(1, bad);
        var ds = new TFRecordDataset(paths, TFRecordCompression.Gzip, numParallelReads: 3);
        var ex = Assert.Throws<DataLossException>(() => Names(ds));
        Assert.Equal(bad, ex.FileName);
    }

    [Fact]
    public void Stopping_early_releases_the_background_readers()
    {
        using var dir = new TempDir();
        var paths = WriteFiles(dir, 200, 200, 200);
        var ds = new TFRecordDataset(paths, TFRecordCompression.Gzip, numParallelReads: 3);
        Assert.Equal(["f0r0", "f1r0", "f2r0", "f0r1"], Names(ds.Take(4)));
        // The files were closed: they can be deleted and replaced now.
        foreach (var p in paths) File.Delete(p);
    }

    [Fact]
    public void Skip_corrupt_counts_dropped_records_across_files()
    {
        using var dir = new TempDir();
        var paths = new[] { dir.File("a.tfrecord"), dir.File("b.tfrecord") };
        foreach (var p in paths)
        {
            using var w = new TFRecordWriter(p);
            w.Write([1, 2, 3]);
            w.Write([4, 5, 6]);
            w.Close();
        }
        var bytes = File.ReadAllBytes(paths[1]);
        bytes[12] ^= 1; // first record's data in b
        File.WriteAllBytes(paths[1], bytes);
        var strict = new TFRecordDataset(paths);
        Assert.Throws<DataLossException>(() => strict.ToList());
        var ds = new TFRecordDataset(paths, skipCorrupt: true, numParallelReads: 2);
        Assert.Equal(3, ds.Count());
        Assert.Equal(1, ds.SkippedRecords);
        Assert.Equal(19, ds.SkippedBytes);
    }

    [Fact]
    public void Fixture_files_read_through_the_dataset_match_the_reader()
    {
        var ds = new TFRecordDataset([Fixtures.PenguinTrain, Fixtures.PenguinEval], TFRecordCompression.Gzip, bufferSize: 4096, numParallelReads: 2);
        var all = ds.ToList();
        Assert.Equal(334, all.Count);
        var expected = Fixtures.ReadAll(Fixtures.PenguinTrain, TFRecordCompression.Gzip);
        Assert.Equal(expected.Take(100), all.Where((_, i) => i % 2 == 0).Take(100));
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentException>(() => new TFRecordDataset(Array.Empty<string>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TFRecordDataset(["a"], numParallelReads: 0));
    }
}
