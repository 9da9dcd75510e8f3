using Pipeline.Records;
using TorchSharp;

namespace Records.Tests.Parsing;

public class ExampleParsingErrorTests
{
    private static byte[] Serialize(Example e) => Google.Protobuf.MessageExtensions.ToByteArray(e);

    private static readonly byte[] Sample = Serialize(Example.FromFeatures(
        ("label", Feature.Int64(3)),
        ("score", Feature.Float(0.5f, 1.5f)),
        ("name", Feature.String("cat"))));

    [Fact]
    public void A_missing_required_feature_is_named_in_the_error()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ExampleParser.ParseSingleExample(Sample,
            new Dictionary<string, FeatureSpec> { ["height"] = new FixedLenFeature([], FeatureType.Int64) }));
        Assert.Equal("Feature: height (data type: int64) is required but could not be found.", ex.Message);
    }

    [Fact]
    public void A_feature_of_the_wrong_type_is_named_with_both_types()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ExampleParser.ParseSingleExample(Sample,
            new Dictionary<string, FeatureSpec> { ["label"] = new FixedLenFeature([], FeatureType.Float32) }));
        Assert.Contains("Key: label", ex.Message);
        Assert.Contains("Data type: int64 but expected type: float", ex.Message);
    }

    [Fact]
    public void A_wrong_number_of_values_names_the_feature_and_the_shape()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ExampleParser.ParseSingleExample(Sample,
            new Dictionary<string, FeatureSpec> { ["score"] = new FixedLenFeature([3], FeatureType.Float32) }));
        Assert.Contains("Key: score", ex.Message);
        Assert.Contains("Values size: 2 but output shape: [3]", ex.Message);
    }

    [Fact]
    public void Defaults_fill_missing_features_and_broadcast_scalars()
    {
        using var f = ExampleParser.ParseSingleExample(Sample, new Dictionary<string, FeatureSpec>
        {
            ["missing"] = new FixedLenFeature([2, 2], FeatureType.Float32, defaultValue: 1.25),
            ["missing_list"] = new FixedLenFeature([3], FeatureType.Int64, defaultValue: new long[] { 4, 5, 6 }),
            ["score"] = new FixedLenFeature([2], FeatureType.Float32),
            ["name"] = new FixedLenFeature([], FeatureType.String),
        });
        Assert.Equal(new long[] { 2, 2 }, f["missing"].shape);
        Assert.All(f["missing"].data<float>().ToArray(), v => Assert.Equal(1.25f, v));
        Assert.Equal(new long[] { 4, 5, 6 }, f["missing_list"].data<long>().ToArray());
        Assert.Equal(new[] { 0.5f, 1.5f }, f["score"].data<float>().ToArray());
        Assert.Equal("cat", f.Strings("name").ToStrings()[0]);
    }

    [Fact]
    public void A_default_of_the_wrong_size_is_rejected_when_the_description_is_made()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FixedLenFeature([3], FeatureType.Int64, defaultValue: new long[] { 1, 2 }));
        Assert.Contains("needs 3", ex.Message);
    }

    [Fact]
    public void Asking_for_a_string_feature_as_a_tensor_says_which_accessor_to_use()
    {
        using var f = ExampleParser.ParseSingleExample(Sample, new Dictionary<string, FeatureSpec> { ["name"] = new FixedLenFeature([], FeatureType.String) });
        var ex = Assert.Throws<InvalidOperationException>(() => f["name"]);
        Assert.Contains("Strings()", ex.Message);
        var missing = Assert.Throws<KeyNotFoundException>(() => f["nope"]);
        Assert.Contains("'name'", missing.Message);
    }

    [Fact]
    public void Bytes_that_are_not_a_protobuf_give_a_clear_error()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ExampleParser.ParseSingleExample(new byte[] { 0x0a, 0xff, 0xff, 0xff }, new Dictionary<string, FeatureSpec>()));
        Assert.Contains("Could not parse serialized Example", ex.Message);
    }

    [Fact]
    public void Batch_errors_name_the_example_index()
    {
        var other = Serialize(Example.FromFeatures(("label", Feature.Float(1f))));
        var ex = Assert.Throws<InvalidDataException>(() => ExampleParser.ParseExample([Sample, other],
            new Dictionary<string, FeatureSpec> { ["label"] = new FixedLenFeature([], FeatureType.Int64) }));
        Assert.Contains("Key: label, Index: 1", ex.Message);
    }

    [Fact]
    public void A_required_sequence_feature_missing_from_a_sequence_example_is_named()
    {
        var seq = new SequenceExample { FeatureLists = new FeatureLists() };
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(seq);
        var ex = Assert.Throws<InvalidDataException>(() => ExampleParser.ParseSingleSequenceExample(bytes, null,
            new Dictionary<string, FeatureSpec> { ["frames"] = new FixedLenSequenceFeature([2], FeatureType.Float32) }));
        Assert.Contains("frames", ex.Message);
        var (c, l) = ExampleParser.ParseSingleSequenceExample(bytes, null,
            new Dictionary<string, FeatureSpec> { ["frames"] = new FixedLenSequenceFeature([2], FeatureType.Float32, allowMissing: true) });
        using (c) using (l) Assert.Equal(new long[] { 0, 2 }, l["frames"].shape);
    }

    [Fact]
    public void Sequence_steps_become_rows_and_var_len_steps_become_sparse()
    {
        var seq = new SequenceExample
        {
            Context = Example.FromFeatures(("id", Feature.Int64(9))).Features,
            FeatureLists = new FeatureLists
            {
                FeatureList =
                {
                    ["xy"] = new FeatureList { Feature = { Feature.Float(1, 2), Feature.Float(3, 4), Feature.Float(5, 6) } },
                    ["tokens"] = new FeatureList { Feature = { Feature.Int64(1), Feature.Int64(2, 3, 4) } },
                },
            },
        };
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(seq);
        var (c, l) = ExampleParser.ParseSingleSequenceExample(bytes,
            new Dictionary<string, FeatureSpec> { ["id"] = new FixedLenFeature([], FeatureType.Int64) },
            new Dictionary<string, FeatureSpec> { ["xy"] = new FixedLenSequenceFeature([2], FeatureType.Float32), ["tokens"] = new VarLenFeature(FeatureType.Int64) });
        using (c) using (l)
        {
            Assert.Equal(9L, c["id"].item<long>());
            Assert.Equal(new long[] { 3, 2 }, l["xy"].shape);
            Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, l["xy"].data<float>().ToArray());
            var tokens = l.Sparse("tokens");
            Assert.Equal(new long[] { 2, 3 }, tokens.DenseShape);
            Assert.Equal(new long[] { 0, 0, 1, 0, 1, 1, 1, 2 }, tokens.Indices.data<long>().ToArray());
            using var dense = tokens.ToDense();
            Assert.Equal(new long[] { 1, 0, 0, 2, 3, 4 }, dense.data<long>().ToArray());
        }
    }

    [Fact]
    public void Take_hands_a_tensor_to_the_caller_beyond_the_results_lifetime()
    {
        torch.Tensor label;
        using (var f = ExampleParser.ParseSingleExample(Sample, new Dictionary<string, FeatureSpec> { ["label"] = new FixedLenFeature([], FeatureType.Int64) }))
            label = f.Take("label");
        using (label) Assert.Equal(3L, label.item<long>());
    }
}
