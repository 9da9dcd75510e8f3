using Google.Protobuf;
using Pipeline;
using Pipeline.Records;
using TorchSharp;
using static TorchSharp.torch;

namespace Records.Tests.Data;

/// <summary>
/// Parsed Examples are Dataset elements like TensorFlow's parsed dictionaries: they batch, pad, unbatch and cache, and a
/// Map that returns some of their tensors keeps those alive (the step frees only the rest).
/// </summary>
public class ParsedElementTests
{
    // Record i: image [i, i + 0.5], label 10 + i, name "r{i}", tokens 0..i (i + 1 values), steps i values 100, 101, ...
    private static readonly byte[][] Records = [.. Enumerable.Range(0, 5).Select(i => Example.FromFeatures(
        ("image", Feature.Float(i, i + 0.5f)),
        ("label", Feature.Int64(10 + i)),
        ("name", Feature.String($"r{i}")),
        ("tokens", Feature.Int64([.. Enumerable.Range(0, i + 1).Select(t => (long)t)])),
        ("steps", Feature.Int64([.. Enumerable.Range(0, i).Select(t => 100L + t)]))).ToByteArray())];

    private static readonly Dictionary<string, FeatureSpec> Spec = new()
    {
        ["image"] = new FixedLenFeature([2], FeatureType.Float32),
        ["label"] = new FixedLenFeature([], FeatureType.Int64),
        ["name"] = new FixedLenFeature([], FeatureType.String),
        ["tokens"] = new VarLenFeature(FeatureType.Int64),
    };

    private static readonly Dictionary<string, FeatureSpec> SequenceSpec = new()
    {
        ["label"] = new FixedLenFeature([], FeatureType.Int64),
        ["steps"] = new FixedLenSequenceFeature([], FeatureType.Int64, allowMissing: true),
    };

    private static Dataset<ParsedFeatures> Parsed(Dictionary<string, FeatureSpec> spec) =>
        Dataset.FromTensorSlices(Records).Map(r => ExampleParser.ParseSingleExample(r, spec));

    private static long[] Longs(Tensor t) => t.data<long>().ToArray();

    [Fact]
    public void Batch_stacks_dense_features_batches_strings_and_prefixes_sparse_coordinates_with_the_batch_index()
    {
        var batches = Parsed(Spec).Batch(2).ToList();
        Assert.Equal(3, batches.Count);
        using var first = batches[0];
        Assert.Equal([2L, 2], first["image"].shape);
        Assert.Equal([0f, 0.5f, 1f, 1.5f], first["image"].data<float>().ToArray());
        Assert.Equal([10L, 11], Longs(first["label"]));
        Assert.Equal([2L], first.Strings("name").Shape);
        Assert.Equal(["r0", "r1"], first.Strings("name").ToStrings());
        var tokens = first.Sparse("tokens");
        Assert.Equal([2L, 2], tokens.DenseShape);
        Assert.Equal([0L, 0, 1, 0, 1, 1], Longs(tokens.Indices));   // (0,0), (1,0), (1,1)
        Assert.Equal([0L, 0, 1], Longs(tokens.Values!));
        using var last = batches[2];
        Assert.Equal([14L], Longs(last["label"]));
        batches[1].Dispose();
    }

    [Fact]
    public void A_map_returning_some_parsed_tensors_keeps_them_alive()
    {
        var ds = Parsed(Spec).Map(p => (p["image"], p["label"])).Batch(5);
        var (x, y) = Assert.Single(ds.ToList());
        using (x) using (y)
        {
            Assert.Equal([5L, 2], x.shape);
            Assert.Equal(4.5f, x[4, 1].item<float>());
            Assert.Equal([10L, 11, 12, 13, 14], Longs(y));
        }
    }

    [Fact]
    public void PaddedBatch_pads_sequence_features_to_the_longest_in_the_batch()
    {
        var batches = Parsed(SequenceSpec).Skip(1).PaddedBatch(2, paddingValue: -1).ToList();
        using var first = batches[0];   // records 1 and 2: steps [100] and [100, 101]
        Assert.Equal([2L, 2], first["steps"].shape);
        Assert.Equal([100L, -1, 100, 101], Longs(first["steps"]));
        Assert.Equal([11L, 12], Longs(first["label"]));
        using var second = batches[1];   // records 3 and 4
        Assert.Equal([2L, 4], second["steps"].shape);
    }

    [Fact]
    public void Batch_refuses_features_of_different_lengths_and_names_the_feature()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Parsed(SequenceSpec).Skip(1).Batch(2).ToList());
        Assert.Contains("'steps'", error.Message);
        Assert.Contains("PaddedBatch", error.Message);
    }

    [Fact]
    public void Unbatch_gives_back_the_parsed_rows()
    {
        var rows = Parsed(Spec).Batch(3).Unbatch().ToList();
        Assert.Equal(5, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            using var row = rows[i];
            Assert.Equal(10L + i, row["label"].item<long>());
            Assert.Equal([(float)i, i + 0.5f], row["image"].data<float>().ToArray());
            Assert.Equal($"r{i}", System.Text.Encoding.UTF8.GetString(row.Bytes("name")));
            // As in tf.data, a row keeps its batch's dense shape: [3] for rows 0..2, [5] for rows 3..4.
            Assert.Equal([i < 3 ? 3L : 5L], row.Sparse("tokens").DenseShape);
            Assert.Equal(Enumerable.Range(0, i + 1).Select(t => (long)t), Longs(row.Sparse("tokens").Values!));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cache_replays_parsed_batches_in_memory_and_from_a_file(bool toFile)
    {
        using var dir = new TempDir();
        var ds = Parsed(Spec).Batch(2).Cache(toFile ? dir.File("parsed.cache") : null);
        string Describe(ParsedFeatures p)
        {
            using (p)
                return string.Join(";", string.Join(",", p["image"].data<float>().ToArray()), string.Join(",", Longs(p["label"])),
                    string.Join(",", p.Strings("name").ToStrings()), string.Join(",", Longs(p.Sparse("tokens").Indices)),
                    string.Join(",", p.Sparse("tokens").DenseShape));
        }
        var first = ds.Select(Describe).ToList();
        var second = ds.Select(Describe).ToList();
        Assert.Equal(3, first.Count);
        Assert.Equal(first, second);
        Assert.StartsWith("0,0.5,1,1.5;10,11;r0,r1;0,0,1,0,1,1;2,2", first[0]);
    }
}
