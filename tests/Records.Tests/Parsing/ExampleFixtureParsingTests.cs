using System.Globalization;
using System.Text;
using Pipeline.Records;
using TorchSharp;

namespace Records.Tests.Parsing;

/// <summary>Parses the TensorFlow-written Example and SequenceExample fixtures and checks what their PROVENANCE.md documents.</summary>
public class ExampleFixtureParsingTests
{
    private static readonly Dictionary<string, FeatureSpec> DeeplabFeatures = new()
    {
        ["image/encoded"] = new FixedLenFeature([], FeatureType.String),
        ["image/filename"] = new FixedLenFeature([], FeatureType.String),
        ["image/format"] = new FixedLenFeature([], FeatureType.String, defaultValue: "jpeg"),
        ["image/height"] = new FixedLenFeature([], FeatureType.Int64),
        ["image/width"] = new FixedLenFeature([], FeatureType.Int64),
        ["image/channels"] = new FixedLenFeature([1], FeatureType.Int64),
        ["image/segmentation/class/encoded"] = new FixedLenFeature([], FeatureType.String),
        ["image/segmentation/class/format"] = new FixedLenFeature([], FeatureType.String),
    };

    [Fact]
    public void Deeplab_records_hold_a_jpeg_and_a_png_mask_with_the_documented_sizes()
    {
        var records = Fixtures.ReadAll(Fixtures.Deeplab);
        var expected = new[] { ("2007_000033", 366L, 500L, 218_323, 183_862), ("2007_000042", 335L, 500L, 199_604, 168_306), ("2007_000061", 333L, 500L, 199_438, 167_307) };
        for (int i = 0; i < 3; i++)
        {
            using var f = ExampleParser.ParseSingleExample(records[i], DeeplabFeatures);
            var (name, h, w, jpegBytes, pngBytes) = expected[i];
            Assert.Equal(name, Encoding.UTF8.GetString(f.Bytes("image/filename")));
            Assert.Equal(h, f["image/height"].item<long>());
            Assert.Equal(w, f["image/width"].item<long>());
            Assert.Equal([1L], f["image/channels"].shape);
            Assert.Equal(3L, f["image/channels"][0].item<long>());
            Assert.Empty(f["image/height"].shape);
            Assert.Equal(torch.ScalarType.Int64, f["image/height"].dtype);
            var jpeg = f.Bytes("image/encoded");
            Assert.Equal(jpegBytes, jpeg.Length);
            Assert.Equal(new byte[] { 0xff, 0xd8, 0xff, 0xe0 }, jpeg[..4]);
            var png = f.Bytes("image/segmentation/class/encoded");
            Assert.Equal(pngBytes, png.Length);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4e, 0x47 }, png[..4]);
            Assert.Equal("jpeg", Encoding.UTF8.GetString(f.Bytes("image/format")));
            Assert.Equal("png", Encoding.UTF8.GetString(f.Bytes("image/segmentation/class/format")));
        }
    }

    [Fact]
    public void Deeplab_image_header_agrees_with_the_height_and_width_features()
    {
        var record = Fixtures.ReadAll(Fixtures.Deeplab)[1];
        using var f = ExampleParser.ParseSingleExample(record, DeeplabFeatures);
        var rebuilt = Example.FromImage(f.Bytes("image/encoded"), label: 0);
        Assert.Equal(335, rebuilt.Features.Feature["height"].Int64List.Value[0]);
        Assert.Equal(500, rebuilt.Features.Feature["width"].Int64List.Value[0]);
        Assert.Equal(3, rebuilt.Features.Feature["depth"].Int64List.Value[0]);
    }

    private static readonly Dictionary<string, FeatureSpec> LingvoFeatures = new()
    {
        ["source_id"] = new VarLenFeature(FeatureType.Int64),
        ["source_word"] = new VarLenFeature(FeatureType.String),
        ["source_padding"] = new VarLenFeature(FeatureType.Float32),
        ["target_id"] = new VarLenFeature(FeatureType.Int64),
        ["target_label"] = new VarLenFeature(FeatureType.Int64),
        ["target_weight"] = new VarLenFeature(FeatureType.Float32),
        ["example_index"] = new FixedLenFeature([], FeatureType.Int64),
        ["natural_order"] = new FixedLenFeature([], FeatureType.Int64),
    };

    [Fact]
    public void Lingvo_record_zero_has_the_documented_source_ids_and_words()
    {
        var record = Fixtures.ReadAll(Fixtures.Lingvo)[0];
        using var f = ExampleParser.ParseSingleExample(record, LingvoFeatures);
        var ids = f.Sparse("source_id");
        Assert.Equal(new long[] { 93, 15027, 643, 8, 2985, 3, 27025, 6, 4569, 2 }, ids.Values!.data<long>().ToArray());
        Assert.Equal(new long[] { 10 }, ids.DenseShape);
        Assert.Equal(new long[] { 10, 1 }, ids.Indices.shape);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), ids.Indices.data<long>().ToArray());
        var words = f.Sparse("source_word").StringValues!.Select(b => Encoding.UTF8.GetString(b));
        Assert.Equal("▁A ▁Republican ▁strategy ▁to ▁counter ▁the ▁re-election ▁of ▁Obama </s>", string.Join(" ", words));
        Assert.Equal(1L, f["example_index"].item<long>());
    }

    [Fact]
    public void Lingvo_batch_keeps_the_documented_invariants_for_all_100_records()
    {
        var records = Fixtures.ReadAll(Fixtures.Lingvo);
        using var f = ExampleParser.ParseExample(records, LingvoFeatures);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), f["example_index"].data<long>().ToArray());
        Assert.All(f["natural_order"].data<long>().ToArray(), v => Assert.Equal(1L, v));

        using var targetIds = f.Sparse("target_id").ToDense(-1);
        using var targetLabels = f.Sparse("target_label").ToDense(-1);
        using var sourceIds = f.Sparse("source_id").ToDense(-1);
        Assert.Equal(100, targetIds.shape[0]);
        Assert.Equal(f.Sparse("target_id").DenseShape, f.Sparse("target_label").DenseShape);
        var tid = targetIds.data<long>().ToArray();
        var tlab = targetLabels.data<long>().ToArray();
        var sid = sourceIds.data<long>().ToArray();
        long tw = targetIds.shape[1], sw = sourceIds.shape[1];
        for (int b = 0; b < 100; b++)
        {
            int tlen = (int)Enumerable.Range(0, (int)tw).Count(j => tid[b * tw + j] != -1);
            int slen = (int)Enumerable.Range(0, (int)sw).Count(j => sid[b * sw + j] != -1);
            Assert.InRange(tlen, 3, 64);
            Assert.InRange(slen, 2, 53);
            Assert.Equal(1L, tid[b * tw]);                       // <s>
            Assert.Equal(2L, tlab[b * tw + tlen - 1]);           // </s>
            Assert.Equal(2L, sid[b * sw + slen - 1]);
            for (int j = 0; j + 1 < tlen; j++) Assert.Equal(tid[b * tw + j + 1], tlab[b * tw + j]); // label = id shifted left
        }
        Assert.All(f.Sparse("source_padding").Values!.data<float>().ToArray(), v => Assert.Equal(0f, v));
        Assert.All(f.Sparse("target_weight").Values!.data<float>().ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Lingvo_variable_lists_parse_densely_as_padded_fixed_len_sequence_features()
    {
        var records = Fixtures.ReadAll(Fixtures.Lingvo).Take(5).ToList();
        var spec = new Dictionary<string, FeatureSpec> { ["source_id"] = new FixedLenSequenceFeature([], FeatureType.Int64, allowMissing: true, defaultValue: -7L) };
        using var f = ExampleParser.ParseExample(records, spec);
        var dense = f["source_id"];
        Assert.Equal(5, dense.shape[0]);
        Assert.Equal(93L, dense[0, 0].item<long>());
        Assert.Equal(2L, dense[0, 9].item<long>());
        if (dense.shape[1] > 10) Assert.Equal(-7L, dense[0, 10].item<long>());
        using var single = ExampleParser.ParseSingleExample(records[0], spec);
        Assert.Equal(new long[] { 10 }, single["source_id"].shape);
    }

    [Fact]
    public void Penguin_train_and_eval_together_equal_the_csv_rows_as_a_multiset()
    {
        var spec = new Dictionary<string, FeatureSpec>
        {
            ["species"] = new FixedLenFeature([], FeatureType.Int64),
            ["culmen_length_mm"] = new FixedLenFeature([], FeatureType.Float32),
            ["culmen_depth_mm"] = new FixedLenFeature([], FeatureType.Float32),
            ["flipper_length_mm"] = new FixedLenFeature([], FeatureType.Float32),
            ["body_mass_g"] = new FixedLenFeature([], FeatureType.Float32),
        };
        string Row(ParsedFeatures f, int i) => string.Join(",",
            f["species"][i].item<long>().ToString(CultureInfo.InvariantCulture),
            Bits(f["culmen_length_mm"][i].item<float>()), Bits(f["culmen_depth_mm"][i].item<float>()),
            Bits(f["flipper_length_mm"][i].item<float>()), Bits(f["body_mass_g"][i].item<float>()));
        static string Bits(float v) => BitConverter.SingleToInt32Bits(v).ToString(CultureInfo.InvariantCulture);

        var fromRecords = new List<string>();
        var speciesCounts = new List<long[]>();
        foreach (var path in new[] { Fixtures.PenguinTrain, Fixtures.PenguinEval })
        {
            var records = Fixtures.ReadAll(path, TFRecordCompression.Gzip);
            using var f = ExampleParser.ParseExample(records, spec);
            for (int i = 0; i < records.Count; i++) fromRecords.Add(Row(f, i));
            speciesCounts.Add(torch.bincount(f["species"]).data<long>().ToArray());
            if (path == Fixtures.PenguinTrain)
            {
                Assert.Equal(0L, f["species"][0].item<long>());
                Assert.Equal((float)0.2545454545454545, f["culmen_length_mm"][0].item<float>());
                Assert.Equal((float)0.2916666666666667, f["body_mass_g"][0].item<float>());
            }
        }
        Assert.Equal(new long[] { 99, 46, 89 }, speciesCounts[0]);
        Assert.Equal(new long[] { 47, 22, 31 }, speciesCounts[1]);

        var fromCsv = File.ReadAllLines(Fixtures.PenguinCsv).Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var c = l.Split(',');
            return string.Join(",", c[0], string.Join(",", c.Skip(1).Select(v =>
                BitConverter.SingleToInt32Bits((float)double.Parse(v, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture))));
        }).ToList();
        Assert.Equal(334, fromCsv.Count);
        Assert.Equal(fromCsv.Order(), fromRecords.Order());
    }

    private static readonly Dictionary<string, FeatureSpec> SequenceContext = new()
    {
        ["i"] = new VarLenFeature(FeatureType.Int64),
        ["f"] = new VarLenFeature(FeatureType.Float32),
    };

    private static readonly Dictionary<string, FeatureSpec> SequenceLists = new()
    {
        ["s"] = new FixedLenSequenceFeature([], FeatureType.String),
    };

    [Theory]
    [InlineData("eval", 10_500)]
    [InlineData("train", 0)]
    public void Every_sequence_example_follows_the_documented_generation_rule(string split, int baseIndex)
    {
        var records = Fixtures.ReadAll(split == "eval" ? Fixtures.SequenceEval : Fixtures.SequenceTrain, TFRecordCompression.Gzip);
        for (int k = 0; k < records.Count; k++)
        {
            int n = baseIndex + k;
            var (context, lists) = ExampleParser.ParseSingleSequenceExample(records[k], SequenceContext, SequenceLists);
            using (context)
            using (lists)
            {
                var i = context.Sparse("i");
                var f = context.Sparse("f");
                if (k % 10 == 0)
                {
                    Assert.Equal(0, i.Count);
                    Assert.Equal(0, f.Count);
                }
                else
                {
                    Assert.Equal([(long)n], i.Values!.data<long>().ToArray());
                    Assert.Equal([(float)n], f.Values!.data<float>().ToArray());
                }
                var s = lists.Strings("s");
                Assert.Equal(new long[] { 2 }, s.Shape);
                Assert.Equal([n.ToString(CultureInfo.InvariantCulture), (n + 1).ToString(CultureInfo.InvariantCulture)], s.ToStrings());
            }
        }
    }

    [Fact]
    public void Eval_record_zero_is_the_documented_47_bytes()
    {
        var record = Fixtures.ReadAll(Fixtures.SequenceEval, TFRecordCompression.Gzip)[0];
        Assert.Equal("0a0e0a050a016912000a050a01661200121d0a1b0a017312160a090a070a0531303530300a090a070a053130353031", Convert.ToHexStringLower(record));
        var parsed = SequenceExample.Parser.ParseFrom(record);
        Assert.Equal(Feature.KindOneofCase.None, parsed.Context.Feature["i"].KindCase); // an empty Feature, not an empty Int64List
    }

    [Fact]
    public void Batched_sequence_parsing_pads_steps_and_reports_lengths()
    {
        var records = Fixtures.ReadAll(Fixtures.SequenceEval, TFRecordCompression.Gzip).Take(4).ToList();
        var lists = new Dictionary<string, FeatureSpec> { ["s"] = new FixedLenSequenceFeature([], FeatureType.String) };
        var context = new Dictionary<string, FeatureSpec> { ["i"] = new FixedLenFeature([], FeatureType.Int64, defaultValue: -1L) };
        // Record 0's context 'i' is an empty Feature: present, so the default does not apply, and zero values != shape [].
        var ex = Assert.Throws<InvalidDataException>(() => ExampleParser.ParseSequenceExample(records, context, lists));
        Assert.Contains("Key: i", ex.Message);

        var (ctx, seq, lengths) = ExampleParser.ParseSequenceExample(records.Skip(1).ToList(), SequenceContext, lists);
        using (ctx) using (seq) using (lengths)
        {
            Assert.Equal(new long[] { 3, 2 }, seq.Strings("s").Shape);
            Assert.Equal(new long[] { 2, 2, 2 }, lengths["s"].data<long>().ToArray());
            Assert.Equal("10503", seq.Strings("s").ToStrings()[4]);
            Assert.Equal(new long[] { 3, 1 }, ctx.Sparse("i").DenseShape);
            Assert.Equal(new long[] { 10501, 10502, 10503 }, ctx.Sparse("i").Values!.data<long>().ToArray());
        }
    }
}
