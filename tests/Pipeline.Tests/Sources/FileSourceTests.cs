using System.Text;

namespace Pipeline.Tests.Sources;

public sealed class FileSourceTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("pipeline-sources-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void TextLineDataset_yields_the_lines_of_each_file_in_turn()
    {
        var a = Write("a.txt", "first\nsecond\r\nthird");
        var b = Write("b.txt", "header\nx\n");
        Assert.Equal(["first", "second", "third", "header", "x"], Dataset.TextLineDataset([a, b]));
        Assert.Equal(["x"], Dataset.TextLineDataset(b, skipHeaderLines: 1));
    }

    [Fact]
    public void FixedLengthRecordDataset_skips_header_and_footer()
    {
        var path = Path.Combine(_dir, "records.bin");
        File.WriteAllBytes(path, [9, 9, 1, 2, 3, 4, 5, 6, 7]);
        var records = Dataset.FixedLengthRecordDataset([path], recordBytes: 3, headerBytes: 2, footerBytes: 1).ToList();
        Assert.Equal([[1, 2, 3], [4, 5, 6]], records);
        Assert.Equal(2, Dataset.FixedLengthRecordDataset([path], 3, 2, 1).Cardinality());
    }

    [Fact]
    public void FixedLengthRecordDataset_reads_cifar10_binary_records()
    {
        // CIFAR-10's binary format: 1 label byte + 3,072 pixel bytes (3x32x32, channels first) per record.
        var path = Path.Combine(_dir, "data_batch_1.bin");
        var bytes = new byte[3 * 3073];
        for (var r = 0; r < 3; r++) { bytes[r * 3073] = (byte)(r + 4); bytes[r * 3073 + 1] = 200; }
        File.WriteAllBytes(path, bytes);
        var labels = Dataset.FixedLengthRecordDataset([path], recordBytes: 3073).Map(r => (int)r[0]);
        Assert.Equal([4, 5, 6], labels);
    }

    [Fact]
    public void FixedLengthRecordDataset_names_a_file_that_is_not_whole_records()
    {
        var path = Path.Combine(_dir, "torn.bin");
        File.WriteAllBytes(path, new byte[10]);
        var error = Assert.Throws<InvalidDataException>(() => Dataset.FixedLengthRecordDataset([path], recordBytes: 4).ToList());
        Assert.Contains("torn.bin", error.Message);
        Assert.Contains("remainder 2", error.Message);
    }

    [Fact]
    public void ListFiles_globs_sorted_or_shuffled_with_a_seed()
    {
        foreach (var n in new[] { "b.jpg", "a.jpg", "c.png", "sub/d.jpg" }) Write(n, "x");
        var sorted = Dataset.ListFiles(Path.Combine(_dir, "*.jpg"), shuffle: false).Select(Path.GetFileName);
        Assert.Equal(["a.jpg", "b.jpg"], sorted);
        var deep = Dataset.ListFiles(Path.Combine(_dir, "**", "*.jpg"), shuffle: false).Select(Path.GetFileName);
        Assert.Equal(["a.jpg", "b.jpg", "d.jpg"], deep);
        var shuffled = Dataset.ListFiles(Path.Combine(_dir, "*"), seed: 4).ToList();
        Assert.Equal(3, shuffled.Count);
        Assert.Equal(shuffled, Dataset.ListFiles(Path.Combine(_dir, "*"), seed: 4).ToList());
        var missing = Assert.Throws<FileNotFoundException>(() => Dataset.ListFiles(Path.Combine(_dir, "*.gif")).ToList());
        Assert.Contains("*.gif", missing.Message);
    }

    [Fact]
    public void ListFiles_then_Interleave_reads_several_files_at_once()
    {
        var a = Write("p1.txt", "a1\na2\na3");
        var b = Write("p2.txt", "b1\nb2");
        var ds = Dataset.ListFiles(Path.Combine(_dir, "p*.txt"), shuffle: false).Interleave(f => Dataset.TextLineDataset(f), cycleLength: 2, numParallelCalls: 2);
        Assert.Equal(["a1", "b1", "a2", "b2", "a3"], ds);
        _ = (a, b);
    }

    [Fact]
    public void MakeCsvDataset_batches_numeric_columns_with_the_label_apart()
    {
        var path = Write("titanic.csv", "survived,age,fare\n1,22,7.25\n0,38,71.28\n1,,8.05\n");
        var ds = Dataset.MakeCsvDataset(path, batchSize: 2, labelName: "survived", columnDefaults: [0, 30f, 0f], numEpochs: 1, shuffle: false);
        var batches = ds.ToList();
        Assert.Equal(2, batches.Count);
        var (features, label) = batches[0];
        Assert.Equal(["age", "fare"], features.Keys.Order());
        Assert.Equal([1, 0], label.data<int>().ToArray());
        Assert.Equal([30f], batches[1].Features["age"].data<float>().ToArray());
        foreach (var (f, l) in batches) { l.Dispose(); foreach (var t in f.Values) t.Dispose(); }
    }

    [Fact]
    public void MakeCsvDataset_without_a_label_batches_the_selected_columns()
    {
        var path = Write("points.csv", "x,y,name_id\n1.5,2,7\n3.5,4,8\n");
        var batch = Assert.Single(Dataset.MakeCsvDataset(path, batchSize: 5, selectColumns: ["x", "y"], numEpochs: 1, shuffle: false));
        Assert.Equal(["x", "y"], batch.Keys.Order());
        Assert.Equal([1.5f, 3.5f], batch["x"].data<float>().ToArray());
        Assert.Equal([2, 4], batch["y"].data<int>().ToArray());
        foreach (var t in batch.Values) t.Dispose();
    }

    [Fact]
    public void MakeCsvDataset_names_the_file_line_and_column_of_a_bad_value()
    {
        var path = Write("bad.csv", "label,x\n1,2.5\n0,abc\n");
        var ds = Dataset.MakeCsvDataset(path, batchSize: 4, labelName: "label", numEpochs: 1, shuffle: false);
        var error = Assert.ThrowsAny<Exception>(() => ds.ToList());
        Assert.Contains("bad.csv", error.Message);
        Assert.Contains("line 3", error.Message);
        Assert.Contains("'x'", error.Message);
        var noLabel = Assert.Throws<ArgumentException>(() => Dataset.MakeCsvDataset(path, 4, labelName: "target"));
        Assert.Contains("target", noLabel.Message);
    }

    [Fact]
    public void FromGenerator_calls_the_generator_once_per_iteration()
    {
        var calls = 0;
        IEnumerable<string> Lines() { calls++; yield return "a"; yield return "b"; }
        var ds = Dataset.FromGenerator(Lines);
        Assert.Equal(["a", "b"], ds);
        Assert.Equal(["a", "b"], ds);
        Assert.Equal(2, calls);
        Assert.Equal("FromGenerator(Lines)", ds.ToString());
        _ = Encoding.UTF8;
    }
}
