using Pipeline;
using Pipeline.Records;
using TorchSharp;
using static TorchSharp.torch;

namespace Records.Tests.Data;

/// <summary>TFRecordDataset is a Dataset like any other: Map, Shuffle, Batch compose with it.</summary>
public class TFRecordDatasetPipelineTests
{
    private static readonly Dictionary<string, FeatureSpec> Penguin = new()
    {
        ["species"] = new FixedLenFeature([], FeatureType.Int64),
        ["culmen_length_mm"] = new FixedLenFeature([], FeatureType.Float32),
        ["body_mass_g"] = new FixedLenFeature([], FeatureType.Float32),
    };

    private static (Tensor, Tensor) ParsePenguin(byte[] record)
    {
        using var f = ExampleParser.ParseSingleExample(record, Penguin);
        return (torch.stack([f["culmen_length_mm"], f["body_mass_g"]]), f.Take("species"));
    }

    [Fact]
    public void Parsed_shuffled_batches_cover_every_record_once()
    {
        var ds = new TFRecordDataset([Fixtures.PenguinTrain, Fixtures.PenguinEval], TFRecordCompression.Gzip, numParallelReads: 2)
            .Map(ParsePenguin, numParallelCalls: 2)
            .Shuffle(bufferSize: 64, seed: 1)
            .Batch(50);
        var counts = new long[3];
        int batches = 0, rows = 0;
        foreach (var (x, y) in ds)
        {
            using (x) using (y)
            {
                Assert.Equal(2, x.shape[1]);
                Assert.Equal(x.shape[0], y.shape[0]);
                foreach (var s in y.data<long>().ToArray()) counts[s]++;
                rows += (int)y.shape[0];
                batches++;
            }
        }
        Assert.Equal(334, rows);
        Assert.Equal(7, batches);
        Assert.Equal(new long[] { 99 + 47, 46 + 22, 89 + 31 }, counts);
    }

    [Fact]
    public void Batching_records_first_then_parsing_each_batch_is_tfs_vectorized_parse()
    {
        var ds = new TFRecordDataset([Fixtures.PenguinTrain], TFRecordCompression.Gzip)
            .Batch(100, records => records.ToArray())
            .Map(batch => ExampleParser.ParseExample(batch, Penguin));
        var sizes = new List<long>();
        long zeros = 0;
        foreach (var features in ds)
            using (features)
            {
                sizes.Add(features["species"].shape[0]);
                zeros += features["species"].eq(0).sum().item<long>();
            }
        Assert.Equal(new long[] { 100, 100, 34 }, sizes);
        Assert.Equal(99, zeros);
    }

    [Fact]
    public void Parallel_reads_give_the_same_order_as_interleaving_one_dataset_per_file()
    {
        using var dir = new TempDir();
        var files = new[] { 3, 1, 2, 2 }.Select((n, f) =>
        {
            var path = dir.File($"part-{f}.tfrecord");
            using var w = new TFRecordWriter(path);
            for (int r = 0; r < n; r++) w.Write(System.Text.Encoding.ASCII.GetBytes($"f{f}r{r}"));
            w.Close();
            return path;
        }).ToArray();
        static string Text(byte[] b) => System.Text.Encoding.ASCII.GetString(b);
        var viaInterleave = Dataset.ListFiles(Path.Combine(dir.Path, "part-*.tfrecord"), shuffle: false)
            .Interleave(f => new TFRecordDataset(f), cycleLength: 2, blockLength: 1, numParallelCalls: 2)
            .Select(Text).ToList();
        var viaParallelReads = new TFRecordDataset(files, numParallelReads: 2).Select(Text).ToList();
        Assert.Equal(8, viaParallelReads.Count);
        Assert.Equal(viaInterleave, viaParallelReads);
    }

    [Fact]
    public void The_plan_names_the_source_and_its_options()
    {
        var ds = new TFRecordDataset([Fixtures.PenguinTrain, Fixtures.PenguinEval], TFRecordCompression.Gzip, numParallelReads: 2).Map(ParsePenguin);
        var text = ds.ToString();
        Assert.StartsWith("TFRecordDataset(2 files, compression=Gzip, numParallelReads=2) -> Map(", text);
        Assert.Equal(StepKind.Source, ds.Plan[0].Kind);
    }

    [Fact]
    public void A_record_that_does_not_parse_is_named_by_file_record_and_feature()
    {
        var wrongType = new Dictionary<string, FeatureSpec> { ["species"] = new FixedLenFeature([], FeatureType.Float32) };
        var ds = new TFRecordDataset([Fixtures.PenguinTrain, Fixtures.PenguinEval], TFRecordCompression.Gzip)
            .Skip(3).Map(r => ExampleParser.ParseSingleExample(r, wrongType));
        var error = Assert.Throws<DatasetException>(() => ds.ToList());
        Assert.Equal(0, error.ElementIndex);
        Assert.StartsWith($"In '{Fixtures.PenguinTrain}', record 3 (byte offset ", error.InnerException!.Message);
        Assert.EndsWith("Key: species, Index: 0. Data types don't match. Data type: int64 but expected type: float", error.InnerException.Message);
    }

    [Fact]
    public void Cancelling_an_iteration_stops_it()
    {
        using var cts = new CancellationTokenSource();
        var ds = new TFRecordDataset([Fixtures.SequenceTrain, Fixtures.SequenceEval], TFRecordCompression.Gzip, numParallelReads: 2);
        int n = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in ds.WithCancellation(cts.Token))
                if (++n == 10) cts.Cancel();
        });
        Assert.Equal(10, n);
    }
}
