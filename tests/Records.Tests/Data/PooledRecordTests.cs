using Pipeline;
using Pipeline.Records;

namespace Records.Tests.Data;

/// <summary>
/// <c>TFRecordDataset.Pooled()</c>: the same records in pooled buffers, parsed in place, returned to the pool by the
/// step that consumes them, and naming their file and record index.
/// </summary>
public class PooledRecordTests
{
    private static readonly Dictionary<string, FeatureSpec> Penguin = new()
    {
        ["species"] = new FixedLenFeature([], FeatureType.Int64),
        ["body_mass_g"] = new FixedLenFeature([], FeatureType.Float32),
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Pooled_records_are_the_records_with_their_file_and_index(int numParallelReads)
    {
        var records = new TFRecordDataset([Fixtures.PenguinTrain, Fixtures.PenguinEval], TFRecordCompression.Gzip, numParallelReads: numParallelReads);
        var expected = records.ToList();
        var pooled = records.Pooled().Select(r => { using (r) return (r.ToArray(), r.FileName, r.Index); }).ToList();
        Assert.Equal(expected, pooled.Select(p => p.Item1));
        foreach (var file in new[] { Fixtures.PenguinTrain, Fixtures.PenguinEval })
        {
            var indices = pooled.Where(p => p.FileName == file).Select(p => p.Index).ToList();
            Assert.Equal(Enumerable.Range(0, indices.Count).Select(i => (long)i), indices);
        }
        Assert.Equal($"TFRecordDataset(2 files, compression=Gzip{(numParallelReads > 1 ? $", numParallelReads={numParallelReads}" : "")}, pooled=True)", records.Pooled().ToString());
    }

    [Fact]
    public void A_map_parses_the_buffer_in_place_and_the_step_returns_it_to_the_pool()
    {
        var records = new TFRecordDataset(Fixtures.PenguinTrain, TFRecordCompression.Gzip);
        var seen = new List<RecordBuffer>();
        var parsed = records.Pooled().Map(r =>
        {
            seen.Add(r);
            using var f = ExampleParser.ParseSingleExample(r, Penguin);
            return (f["species"].item<long>(), f["body_mass_g"].item<float>());
        }).ToList();
        var fromArrays = records.Select(r =>
        {
            using var f = ExampleParser.ParseSingleExample(r, Penguin);
            return (f["species"].item<long>(), f["body_mass_g"].item<float>());
        }).ToList();
        Assert.Equal(fromArrays, parsed);
        Assert.Equal(parsed.Count, seen.Count);
        Assert.All(seen, r => Assert.Throws<ObjectDisposedException>(() => r.Length == 0 ? 0 : r.Span[0]));
    }

    [Fact]
    public void A_record_that_does_not_parse_is_named_by_its_file_and_index()
    {
        var wrongType = new Dictionary<string, FeatureSpec> { ["species"] = new FixedLenFeature([], FeatureType.Float32) };
        var ds = new TFRecordDataset(Fixtures.PenguinEval, TFRecordCompression.Gzip).Pooled().Skip(2).Map(r => ExampleParser.ParseSingleExample(r, wrongType));
        var error = Assert.Throws<DatasetException>(() => ds.ToList());
        Assert.StartsWith($"In '{Fixtures.PenguinEval}', record 2 (byte offset ", error.InnerException!.Message);
        Assert.EndsWith("Data type: int64 but expected type: float", error.InnerException.Message);
    }

    [Fact]
    public void Disposing_twice_is_harmless_and_a_copy_outlives_the_buffer()
    {
        var record = new TFRecordDataset(Fixtures.PenguinEval, TFRecordCompression.Gzip).Pooled().First();
        var copy = record.ToArray();
        record.Dispose();
        record.Dispose();
        Assert.Equal(Fixtures.ReadAll(Fixtures.PenguinEval, TFRecordCompression.Gzip)[0], copy);
        Assert.Throws<ObjectDisposedException>(() => record.Memory);
    }
}
