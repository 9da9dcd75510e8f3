using Pipeline;
using Pipeline.Records;
using TorchSharp;

namespace Records.Tests.Data;

/// <summary>Runs alone: its collector thread would slow every test running beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GcStressCollection
{
    public const string Name = "GC stress (runs alone)";
}

/// <summary>
/// TorchSharp 0.107 hazard: a temporary <see cref="TorchSharp.Scalar"/> can be finalized while libtorch still reads it.
/// Reading, parsing and densifying records hold every Scalar for the whole native call; a collector running flat out
/// would turn any temporary one into wrong values or an access violation.
/// </summary>
[Collection(GcStressCollection.Name)]
public class GcStressTests
{
    [Fact]
    public void Reading_and_parsing_records_survives_the_collector_finalizing_everything_it_can()
    {
        const int Count = 2000, BatchSize = 16;
        const double Missing = -3;
        using var dir = new TempDir();
        var path = dir.File("ids.tfrecord.gz");
        // Record i: "ids" holds i repeated 1 + i % 5 times.
        TFRecordWriter.WriteAll(path,
            Enumerable.Range(0, Count).Select(i => Example.FromFeatures(("ids", Feature.Int64(Enumerable.Repeat((long)i, 1 + i % 5).ToArray())))),
            TFRecordCompression.Gzip);
        var description = new Dictionary<string, FeatureSpec> { ["ids"] = new VarLenFeature(FeatureType.Int64) };
        var batches = new TFRecordDataset(path, TFRecordCompression.Gzip).Batch(BatchSize, collate: records => records.ToArray()).Prefetch(2);

        using var collector = new CollectorThread();
        for (int pass = 0; pass < 2; pass++)
        {
            int next = 0;
            foreach (var batch in batches)
            {
                using var parsed = ExampleParser.ParseExample(batch, description);
                using var dense = parsed.Sparse("ids").ToDense(Missing);
                var values = dense.data<long>().ToArray();
                long width = dense.shape[1];
                for (int row = 0; row < batch.Length; row++, next++)
                    for (int k = 0; k < width; k++)
                        Assert.Equal(k < 1 + next % 5 ? next : (long)Missing, values[row * width + k]);
            }
            Assert.Equal(Count, next);
        }
    }
}
