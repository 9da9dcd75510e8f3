using Google.Protobuf;
using Pipeline.Records;
using TorchSharp;

namespace Records.Tests.Parsing;

/// <summary>The direct wire reader must give exactly what parsing with Google.Protobuf gives, including errors.</summary>
public class WireReaderEquivalenceTests
{
    private static string Describe(ParsedFeatures f) => string.Join("\n", f.Keys.Order(StringComparer.Ordinal).Select(k =>
    {
        try
        {
            var t = f[k];
            return $"{k}: {t.dtype} [{string.Join(",", t.shape)}] " + (t.dtype == torch.ScalarType.Int64
                ? string.Join(",", Longs(t))
                : string.Join(",", Floats(t).Select(v => BitConverter.SingleToInt32Bits(v))));
        }
        catch (InvalidOperationException)
        {
            if (f.ContainsKey(k) && TryStrings(f, k) is { } s) return $"{k}: string [{string.Join(",", s.Shape)}] " + string.Join(",", s.Values.Select(Convert.ToHexString));
            var sp = f.Sparse(k);
            var values = sp.Values is null ? string.Join(",", sp.StringValues!.Select(Convert.ToHexString))
                : sp.Values.dtype == torch.ScalarType.Int64 ? string.Join(",", Longs(sp.Values))
                : string.Join(",", Floats(sp.Values));
            return $"{k}: sparse [{string.Join(",", sp.DenseShape)}] {string.Join(",", Longs(sp.Indices))} | {values}";
        }
    }));

    private static long[] Longs(torch.Tensor t) => t.numel() == 0 ? [] : t.data<long>().ToArray();

    private static float[] Floats(torch.Tensor t) => t.numel() == 0 ? [] : t.data<float>().ToArray();

    private static StringTensor? TryStrings(ParsedFeatures f, string k)
    {
        try { return f.Strings(k); } catch (InvalidOperationException) { return null; }
    }

    private static string Outcome(IReadOnlyList<byte[]> records, Dictionary<string, FeatureSpec> spec, bool batched, bool wire)
    {
        try
        {
            using var f = ExampleParser.ParseExamples(records, spec, batched, wire, views: true);
            return Describe(f);
        }
        catch (InvalidDataException e)
        {
            return "error: " + e.Message.Split(':')[0];
        }
    }

    private static void AssertSame(IReadOnlyList<byte[]> records, Dictionary<string, FeatureSpec> spec, bool batched = true)
    {
        string expected = Outcome(records, spec, batched, wire: false), actual = Outcome(records, spec, batched, wire: true);
        Assert.True(expected == actual, $"input {(records.Count == 1 ? Convert.ToHexStringLower(records[0]) : records.Count + " records")}\nprotobuf: {expected}\nwire:     {actual}");
    }

    [Fact]
    public void Fixture_examples_parse_identically_both_ways()
    {
        AssertSame(Fixtures.ReadAll(Fixtures.Lingvo), new()
        {
            ["source_id"] = new VarLenFeature(FeatureType.Int64),
            ["source_word"] = new VarLenFeature(FeatureType.String),
            ["target_weight"] = new FixedLenSequenceFeature([], FeatureType.Float32, allowMissing: true),
            ["example_index"] = new FixedLenFeature([], FeatureType.Int64),
            ["absent"] = new FixedLenFeature([2], FeatureType.Float32, defaultValue: 3.5f),
        });
        AssertSame(Fixtures.ReadAll(Fixtures.PenguinEval, TFRecordCompression.Gzip), new()
        {
            ["species"] = new FixedLenFeature([], FeatureType.Int64),
            ["body_mass_g"] = new FixedLenFeature([], FeatureType.Float32),
        });
        foreach (var r in Fixtures.ReadAll(Fixtures.Deeplab))
            AssertSame([r], new()
            {
                ["image/encoded"] = new FixedLenFeature([], FeatureType.String),
                ["image/height"] = new FixedLenFeature([], FeatureType.Int64),
            }, batched: false);
    }

    [Fact]
    public void Concatenated_examples_merge_as_protobuf_does()
    {
        var a = Example.FromFeatures(("x", Feature.Int64(1)), ("y", Feature.Float(2))).ToByteArray();
        var b = Example.FromFeatures(("x", Feature.Int64(5, 6))).ToByteArray();
        var spec = new Dictionary<string, FeatureSpec> { ["x"] = new VarLenFeature(FeatureType.Int64), ["y"] = new VarLenFeature(FeatureType.Float32) };
        AssertSame([[.. a, .. b]], spec);
        using var f = ExampleParser.ParseSingleExample([.. a, .. b], spec);
        Assert.Equal(new long[] { 5, 6 }, f.Sparse("x").Values!.data<long>().ToArray());
    }

    [Fact]
    public void Random_damage_to_serialized_examples_gives_the_same_result_or_error_both_ways()
    {
        var rng = new Random(7);
        var spec = new Dictionary<string, FeatureSpec>
        {
            ["a"] = new VarLenFeature(FeatureType.Int64),
            ["b"] = new VarLenFeature(FeatureType.Float32),
            ["c"] = new VarLenFeature(FeatureType.String),
            ["d"] = new FixedLenFeature([], FeatureType.Int64, defaultValue: -1L),
        };
        for (int t = 0; t < 2000; t++)
        {
            var e = Example.FromFeatures(
                ("a", Feature.Int64(Enumerable.Range(0, rng.Next(4)).Select(_ => rng.NextInt64(long.MinValue, long.MaxValue)).ToArray())),
                ("b", Feature.Float(Enumerable.Range(0, rng.Next(4)).Select(_ => (float)rng.NextDouble()).ToArray())),
                ("c", Feature.String(Enumerable.Range(0, rng.Next(3)).Select(i => new string('z', i)).ToArray())),
                ("d", Feature.Int64(rng.Next(100))));
            var bytes = e.ToByteArray();
            int damage = rng.Next(3);
            for (int k = 0; k < damage + 1; k++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            if (rng.Next(4) == 0) bytes = bytes[..rng.Next(bytes.Length)];
            AssertSame([bytes], spec, batched: false);
        }
    }
}
