using System.Globalization;
using Google.Protobuf;
using Pipeline;
using Pipeline.Records;
using static TorchSharp.torch;

namespace Records.Tests.Data;

/// <summary>
/// tf.train.SequenceExample in TFRecordDataset pipelines: written with <see cref="SequenceExample.FromFeatures"/>, read
/// back and parsed in a Map (<c>tf.io.parse_single_sequence_example</c>), padded to the longest sequence of each batch
/// like <c>padded_batch</c>, and bad records named by file, record index and feature.
/// </summary>
public class SequenceExamplePipelineTests
{
    // Sequence r (r = 0..6) has r % 4 + 1 steps. Step t: frames [r, t] (two floats), word "w{r}.{t}", tokens t + 1 values.
    private static SequenceExample Make(int r)
    {
        int steps = r % 4 + 1;
        return SequenceExample.FromFeatures(
            [("label", Feature.Int64(100 + r)), ("name", Feature.String($"seq{r}"))],
            [
                ("frames", Enumerable.Range(0, steps).Select(t => Feature.Float(r, t))),
                ("words", Enumerable.Range(0, steps).Select(t => Feature.String($"w{r}.{t}"))),
                ("tokens", Enumerable.Range(0, steps).Select(t => Feature.Int64([.. Enumerable.Range(0, t + 1).Select(i => 10L * r + i)]))),
            ]);
    }

    private static readonly Dictionary<string, FeatureSpec> Context = new()
    {
        ["label"] = new FixedLenFeature([], FeatureType.Int64),
        ["name"] = new FixedLenFeature([], FeatureType.String),
    };

    private static readonly Dictionary<string, FeatureSpec> Lists = new()
    {
        ["frames"] = new FixedLenSequenceFeature([2], FeatureType.Float32),
        ["words"] = new FixedLenSequenceFeature([], FeatureType.String),
        ["tokens"] = new VarLenFeature(FeatureType.Int64),
    };

    private static Dataset<(ParsedFeatures Context, ParsedFeatures FeatureLists)> Parsed(string file, TFRecordCompression compression) =>
        new TFRecordDataset(file, compression).Map(r => ExampleParser.ParseSingleSequenceExample(r, Context, Lists));

    [Theory]
    [InlineData(TFRecordCompression.None)]
    [InlineData(TFRecordCompression.Gzip)]
    public void Written_sequence_examples_read_back_byte_identical_and_pad_to_the_longest_in_each_batch(TFRecordCompression compression)
    {
        using var dir = new TempDir();
        var file = dir.File("seq.tfrecord");
        TFRecordWriter.WriteAll(file, Enumerable.Range(0, 7).Select(r => (IMessage)Make(r)), compression);
        Assert.Equal(Enumerable.Range(0, 7).Select(r => Make(r).ToByteArray()), new TFRecordDataset(file, compression).ToList());

        var batches = Parsed(file, compression).PaddedBatch(3, paddingValue: -1).ToList();
        Assert.Equal(3, batches.Count);   // 3 + 3 + 1
        for (int b = 0; b < batches.Count; b++)
        {
            var (context, lists) = batches[b];
            using (context)
            using (lists)
            {
                int[] rows = [.. Enumerable.Range(3 * b, Math.Min(3, 7 - 3 * b))];
                int longest = rows.Max(r => r % 4 + 1);
                Assert.Equal(rows.Select(r => 100L + r), context["label"].data<long>().ToArray());
                Assert.Equal(rows.Select(r => $"seq{r}"), context.Strings("name").ToStrings());

                var frames = lists["frames"];
                Assert.Equal([rows.Length, longest, 2L], frames.shape);
                var words = lists.Strings("words");
                Assert.Equal([rows.Length, (long)longest], words.Shape);
                var tokens = lists.Sparse("tokens");
                Assert.Equal([rows.Length, longest, longest], tokens.DenseShape);
                for (int i = 0; i < rows.Length; i++)
                {
                    int r = rows[i], steps = r % 4 + 1;
                    for (int t = 0; t < longest; t++)
                    {
                        // Real steps hold [r, t]; padding steps hold the padding value, like tf.data's padded_batch.
                        float[] expected = t < steps ? [r, t] : [-1, -1];
                        Assert.Equal(expected, frames[i, t].data<float>().ToArray());
                        Assert.Equal(t < steps ? $"w{r}.{t}" : "", words.ToStrings()[i * longest + t]);
                    }
                }
                // Sparse coordinates (batch, step, position): row i's step t has t + 1 values 10r..10r+t.
                var coordinates = tokens.Indices.data<long>().ToArray().Chunk(3).Select(c => (c[0], c[1], c[2])).ToList();
                var expectedCoordinates = rows.SelectMany((r, i) => Enumerable.Range(0, r % 4 + 1)
                    .SelectMany(t => Enumerable.Range(0, t + 1).Select(p => ((long)i, (long)t, (long)p)))).ToList();
                Assert.Equal(expectedCoordinates, coordinates);
                Assert.Equal(rows.SelectMany(r => Enumerable.Range(0, r % 4 + 1).SelectMany(t => Enumerable.Range(0, t + 1).Select(p => 10L * r + p))),
                    tokens.Values!.data<long>().ToArray());
            }
        }
    }

    [Fact]
    public void Padded_batches_unbatch_and_cache_like_any_element()
    {
        using var dir = new TempDir();
        var file = dir.File("seq.tfrecord");
        TFRecordWriter.WriteAll(file, Enumerable.Range(0, 7).Select(r => (IMessage)Make(r)));
        var ds = Parsed(file, TFRecordCompression.None).PaddedBatch(4).Cache(dir.File("seq.cache")).Unbatch();
        for (int epoch = 0; epoch < 2; epoch++)   // the second epoch replays the cache file
        {
            var rows = ds.ToList();
            Assert.Equal(7, rows.Count);
            for (int r = 0; r < rows.Count; r++)
            {
                var (context, lists) = rows[r];
                using (context)
                using (lists)
                {
                    Assert.Equal(100L + r, context["label"].item<long>());
                    int longest = r < 4 ? 4 : 3;   // rows keep their batch's padded length, as in tf.data
                    Assert.Equal([longest, 2L], lists["frames"].shape);
                    Assert.Equal((float)r, lists["frames"][0, 0].item<float>());
                    Assert.Equal($"w{r}.0", lists.Strings("words").ToStrings()[0]);
                }
            }
        }
    }

    /// <summary>The TFX fixture through a pipeline: what its PROVENANCE.md documents, for all 15,000 records.</summary>
    [Fact]
    public void The_tfx_fixture_batches_through_a_pipeline_in_record_order()
    {
        var context = new Dictionary<string, FeatureSpec> { ["i"] = new VarLenFeature(FeatureType.Int64), ["f"] = new VarLenFeature(FeatureType.Float32) };
        var lists = new Dictionary<string, FeatureSpec> { ["s"] = new FixedLenSequenceFeature([], FeatureType.String) };
        var ds = new TFRecordDataset([Fixtures.SequenceTrain, Fixtures.SequenceEval], TFRecordCompression.Gzip)
            .Map(r => ExampleParser.ParseSingleSequenceExample(r, context, lists), numParallelCalls: 2)
            .PaddedBatch(500);
        int n = 0;
        foreach (var (ctx, seq) in ds)
        {
            using (ctx)
            using (seq)
            {
                var s = seq.Strings("s");
                int rows = (int)s.Shape[0];
                Assert.Equal([rows, 2L], s.Shape);   // every record has 2 steps
                var strings = s.ToStrings();
                var i = ctx.Sparse("i");
                // Record k of a file (n = base + k): k % 10 == 0 has an empty context Feature, so no value.
                var expected = Enumerable.Range(n, rows).Where(m => (m < 10_500 ? m : m - 10_500) % 10 != 0).ToArray();
                Assert.Equal(expected.Select(m => (long)m), i.Values!.data<long>().ToArray());
                Assert.Equal(expected.Select(m => (float)m), ctx.Sparse("f").Values!.data<float>().ToArray());
                Assert.Equal(expected.Select(m => (long)(m - n)), i.Indices.data<long>().ToArray().Where((_, j) => j % 2 == 0));
                for (int row = 0; row < rows; row++, n++)
                {
                    Assert.Equal(n.ToString(CultureInfo.InvariantCulture), strings[2 * row]);
                    Assert.Equal((n + 1).ToString(CultureInfo.InvariantCulture), strings[2 * row + 1]);
                }
            }
        }
        Assert.Equal(15_000, n);   // what tfx's executor_sequence_example_test expects for train + eval
    }

    [Fact]
    public void A_context_feature_of_the_fixture_with_no_values_is_named_with_its_file_record_and_sizes()
    {
        // Eval record 0's context 'i' is an empty Feature: present, so no default applies, and 0 values != shape [].
        var context = new Dictionary<string, FeatureSpec> { ["i"] = new FixedLenFeature([], FeatureType.Int64, defaultValue: -1L) };
        var ds = new TFRecordDataset(Fixtures.SequenceEval, TFRecordCompression.Gzip)
            .Map(r => ExampleParser.ParseSingleSequenceExample(r, context, null));
        var error = Assert.Throws<DatasetException>(() => ds.Take(1).ToList());
        Assert.Equal(0, error.ElementIndex);
        var inner = Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Contains($"'{Fixtures.SequenceEval}', record 0 (byte offset 0 of the decompressed data)", inner.Message);
        Assert.Contains("Key: i", inner.Message);
        Assert.Contains("Values size: 0 but output shape: []", inner.Message);
    }

    [Fact]
    public void Bad_records_are_named_by_file_record_index_offset_and_feature_with_expected_and_actual()
    {
        using var dir = new TempDir();
        var file = dir.File("bad.tfrecord");
        var records = Enumerable.Range(0, 6).Select(r => Make(r).ToByteArray()).ToList();
        records[3] = SequenceExample.FromFeatures(Make(3).Context.Feature.Select(kv => (kv.Key, kv.Value)),
            [("frames", [Feature.Float(1, 2)]), ("words", [Feature.String("a")]), ("tokens", [Feature.Float(0.5f)])]).ToByteArray();
        records[5] = SequenceExample.FromFeatures(Make(5).Context.Feature.Select(kv => (kv.Key, kv.Value)),
            [("frames", [Feature.Float(1, 2, 3)]), ("words", [Feature.String("a")]), ("tokens", [Feature.Int64(1)])]).ToByteArray();
        TFRecordWriter.WriteAll(file, records);
        long offset3 = records.Take(3).Sum(r => r.Length + 16L), offset5 = records.Take(5).Sum(r => r.Length + 16L);

        var typeError = Assert.Throws<DatasetException>(() => Parsed(file, TFRecordCompression.None).ToList()).InnerException!;
        Assert.Contains($"'{file}', record 3 (byte offset {offset3})", typeError.Message);
        Assert.Contains("Key: tokens", typeError.Message);
        Assert.Contains("Data type: float but expected type: int64", typeError.Message);

        // The record index is the file's, whatever came before the Map (here Skip(4): element 1 of the Map is record 5).
        var skipped = new TFRecordDataset(file).Skip(4).Map(r => ExampleParser.ParseSingleSequenceExample(r, Context, Lists));
        var shapeFailure = Assert.Throws<DatasetException>(() => skipped.ToList());
        Assert.Equal(1, shapeFailure.ElementIndex);
        var shapeError = shapeFailure.InnerException!;
        Assert.Contains($"'{file}', record 5 (byte offset {offset5})", shapeError.Message);
        Assert.Contains("Key: frames", shapeError.Message);
        Assert.Contains("Values size: 3 but output shape: [2]", shapeError.Message);
    }

    [Fact]
    public void Pooled_records_parse_as_sequences_and_name_their_file_and_index()
    {
        using var dir = new TempDir();
        var file = dir.File("seq.tfrecord");
        TFRecordWriter.WriteAll(file, Enumerable.Range(0, 7).Select(r => (IMessage)Make(r)));
        var pooled = new TFRecordDataset(file).Pooled().Map(r => ExampleParser.ParseSingleSequenceExample(r, Context, Lists)).PaddedBatch(7);
        var (context, lists) = Assert.Single(pooled.ToList());
        using (context)
        using (lists)
        {
            Assert.Equal(Enumerable.Range(0, 7).Select(r => 100L + r), context["label"].data<long>().ToArray());
            Assert.Equal([7L, 4, 2], lists["frames"].shape);
        }
        var wrong = new Dictionary<string, FeatureSpec> { ["label"] = new FixedLenFeature([], FeatureType.String) };
        var error = Assert.Throws<DatasetException>(() => new TFRecordDataset(file).Pooled().Skip(5).Map(r => ExampleParser.ParseSingleSequenceExample(r, wrong, null)).ToList());
        Assert.StartsWith($"In '{file}', record 5 (byte offset ", error.InnerException!.Message);
        Assert.EndsWith("Key: label, Index: 0. Data types don't match. Data type: int64 but expected type: string", error.InnerException.Message);
    }

    [Fact]
    public void Bytes_that_were_not_read_from_a_file_get_the_parser_error_alone()
    {
        var bytes = SequenceExample.FromFeatures([("label", Feature.Int64(1)), ("id", Feature.String(Guid.NewGuid().ToString()))], null).ToByteArray();
        var error = Assert.Throws<InvalidDataException>(() => ExampleParser.ParseSingleSequenceExample(bytes,
            new Dictionary<string, FeatureSpec> { ["label"] = new FixedLenFeature([], FeatureType.Float32) }, null));
        Assert.StartsWith("Key: label, Index: 0. Data types don't match. Data type: int64 but expected type: float", error.Message);
    }

    [Fact]
    public void FromFeatures_refuses_repeated_keys_and_null_steps_naming_the_argument()
    {
        var twice = Assert.Throws<ArgumentException>(() => SequenceExample.FromFeatures(null, [("a", []), ("a", [])]));
        Assert.Equal("featureLists", twice.ParamName);
        Assert.Contains("'a' appears twice", twice.Message);
        var nullStep = Assert.Throws<ArgumentException>(() => SequenceExample.FromFeatures(null, [("a", [Feature.Int64(1), null!])]));
        Assert.Contains("Step 1 of feature list 'a' is null", nullStep.Message);
        var context = Assert.Throws<ArgumentException>(() => SequenceExample.FromFeatures([("k", Feature.Int64(1)), ("k", Feature.Int64(2))], null));
        Assert.Equal("context", context.ParamName);
        // An empty list is kept: it parses as zero steps.
        var (c, l) = ExampleParser.ParseSingleSequenceExample(SequenceExample.FromFeatures(null, [("a", [])]).ToByteArray(), null,
            new Dictionary<string, FeatureSpec> { ["a"] = new FixedLenSequenceFeature([], FeatureType.Int64) });
        using (c) using (l) Assert.Equal([0L], l["a"].shape);
    }
}
