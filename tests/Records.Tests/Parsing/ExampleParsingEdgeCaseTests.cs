using Google.Protobuf;
using Pipeline.Records;

namespace Records.Tests.Parsing;

public class ExampleParsingEdgeCaseTests
{
    private static readonly Dictionary<string, FeatureSpec> Spec = new()
    {
        ["x"] = new FixedLenFeature([2], FeatureType.Float32, defaultValue: 0f),
        ["tags"] = new VarLenFeature(FeatureType.String),
        ["seq"] = new FixedLenSequenceFeature([], FeatureType.Int64, allowMissing: true),
        ["name"] = new FixedLenFeature([], FeatureType.String, defaultValue: "none"),
    };

    [Fact]
    public void An_empty_batch_gives_empty_results_with_the_right_shapes()
    {
        using var f = ExampleParser.ParseExample([], Spec);
        Assert.Equal(new long[] { 0, 2 }, f["x"].shape);
        Assert.Equal(new long[] { 0, 0 }, f.Sparse("tags").DenseShape);
        Assert.Equal(new long[] { 0, 0 }, f["seq"].shape);
        Assert.Equal(new long[] { 0 }, f.Strings("name").Shape);
    }

    [Fact]
    public void An_empty_example_takes_defaults_and_empty_lists()
    {
        var empty = new Example().ToByteArray();
        Assert.Empty(empty);
        using var f = ExampleParser.ParseExample([empty, empty], Spec);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, f["x"].data<float>().ToArray());
        Assert.Equal(0, f.Sparse("tags").Count);
        Assert.Equal(new long[] { 2, 0 }, f["seq"].shape);
        Assert.Equal(["none", "none"], f.Strings("name").ToStrings());
    }

    [Fact]
    public void String_var_len_features_keep_their_bytes_and_positions_across_a_batch()
    {
        var a = Example.FromFeatures(("tags", Feature.String("cat", "pet"))).ToByteArray();
        var b = Example.FromFeatures(("tags", Feature.Bytes([new byte[] { 0, 255 }]))).ToByteArray();
        using var f = ExampleParser.ParseExample([a, b], Spec);
        var tags = f.Sparse("tags");
        Assert.Equal(new long[] { 0, 0, 0, 1, 1, 0 }, tags.Indices.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 2 }, tags.DenseShape);
        Assert.Equal(new byte[] { 0, 255 }, tags.StringValues![2]);
        Assert.Equal("pet", System.Text.Encoding.UTF8.GetString(tags.StringValues[1]));
        Assert.Throws<InvalidOperationException>(() => tags.ToDense());
    }

    [Fact]
    public void Sequence_features_in_a_batch_are_padded_with_the_default()
    {
        var spec = new Dictionary<string, FeatureSpec> { ["seq"] = new FixedLenSequenceFeature([2], FeatureType.Int64, allowMissing: true, defaultValue: -1L) };
        var a = Example.FromFeatures(("seq", Feature.Int64(1, 2, 3, 4))).ToByteArray();
        var b = Example.FromFeatures(("seq", Feature.Int64(5, 6))).ToByteArray();
        using var f = ExampleParser.ParseExample([a, b, new Example().ToByteArray()], spec);
        Assert.Equal(new long[] { 3, 2, 2 }, f["seq"].shape);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, -1, -1, -1, -1, -1, -1 }, f["seq"].data<long>().ToArray());
        var odd = Example.FromFeatures(("seq", Feature.Int64(1, 2, 3))).ToByteArray();
        var ex = Assert.Throws<InvalidDataException>(() => ExampleParser.ParseExample([odd], spec));
        Assert.Contains("Key: seq", ex.Message);
    }

    [Fact]
    public void Unpacked_and_split_numeric_lists_parse_like_packed_ones()
    {
        // Int64List written unpacked (tag 0x08 per value) and FloatList split over two packed runs: legal protobuf.
        var feature = new byte[] { 0x1a, 0x06, 0x08, 0x01, 0x08, 0x02, 0x08, 0x03 };            // int64_list { value: 1 value: 2 value: 3 }
        var floats = new byte[] { 0x12, 0x0c, 0x0a, 0x04, 0, 0, 0x80, 0x3f, 0x0a, 0x04, 0, 0, 0, 0x40 }; // float_list { [1.0] [2.0] }
        byte[] Entry(string key, byte[] value) => [0x0a, (byte)(4 + key.Length + value.Length), 0x0a, (byte)key.Length, .. System.Text.Encoding.ASCII.GetBytes(key), 0x12, (byte)value.Length, .. value];
        byte[] features = [.. Entry("i", feature), .. Entry("f", floats)];
        byte[] example = [0x0a, (byte)features.Length, .. features];
        using var f = ExampleParser.ParseSingleExample(example, new Dictionary<string, FeatureSpec>
        {
            ["i"] = new FixedLenFeature([3], FeatureType.Int64),
            ["f"] = new FixedLenFeature([2], FeatureType.Float32),
        });
        Assert.Equal(new long[] { 1, 2, 3 }, f["i"].data<long>().ToArray());
        Assert.Equal(new float[] { 1, 2 }, f["f"].data<float>().ToArray());
        var viaProtobuf = Example.Parser.ParseFrom(example);
        Assert.Equal(new long[] { 1, 2, 3 }, viaProtobuf.Features.Feature["i"].Int64List.Value);
    }
}
