using System.Globalization;
using Pipeline.Records;

namespace Records.Tests.Building;

public class ExampleBuilderTests
{
    [Fact]
    public void FromImage_records_the_tutorials_five_features_with_the_size_from_the_jpeg_header()
    {
        // MANIFEST.tsv: path, bytes, width, height, mode, sha256
        var rows = File.ReadAllLines(Path.Combine(Fixtures.CatsVsDogs, "MANIFEST.tsv")).Skip(1).Take(5).Select(l => l.Split('\t'));
        foreach (var row in rows)
        {
            var jpeg = File.ReadAllBytes(Path.Combine(Fixtures.CatsVsDogs, row[0]));
            var example = Example.FromImage(jpeg, label: 1);
            var f = example.Features.Feature;
            Assert.Equal(["depth", "height", "image_raw", "label", "width"], f.Keys.Order());
            Assert.Equal(long.Parse(row[2], CultureInfo.InvariantCulture), f["width"].Int64List.Value.Single());
            Assert.Equal(long.Parse(row[3], CultureInfo.InvariantCulture), f["height"].Int64List.Value.Single());
            Assert.Equal(3L, f["depth"].Int64List.Value.Single());
            Assert.Equal(1L, f["label"].Int64List.Value.Single());
            Assert.Equal(jpeg, f["image_raw"].BytesList.Value.Single().ToByteArray());
        }
    }

    [Fact]
    public void FromImage_rejects_bytes_that_are_not_an_image()
    {
        var ex = Assert.Throws<ArgumentException>(() => Example.FromImage([1, 2, 3, 4], 0));
        Assert.Contains("not a JPEG", ex.Message);
    }

    [Fact]
    public void Feature_helpers_set_the_matching_list_kind()
    {
        Assert.Equal(Feature.KindOneofCase.BytesList, Feature.Bytes([1, 2]).KindCase);
        Assert.Equal(Feature.KindOneofCase.BytesList, Feature.String("a", "b").KindCase);
        Assert.Equal(new long[] { 1, 2, 3 }, Feature.Int64(1, 2, 3).Int64List.Value);
        Assert.Equal(new[] { 0.5f }, Feature.Float(0.5f).FloatList.Value);
        Assert.Equal(2, Feature.Bytes([new byte[] { 1 }, new byte[] { 2 }]).BytesList.Value.Count);
    }

    [Fact]
    public void Duplicate_keys_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Example.FromFeatures(("a", Feature.Int64(1)), ("a", Feature.Int64(2))));
        Assert.Contains("'a'", ex.Message);
    }

    [Fact]
    public void A_built_example_serializes_to_what_tensorflow_writes_for_the_same_content()
    {
        // tf.train.Example(features=tf.train.Features(feature={'x': _int64_feature(1)})).SerializeToString()
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(Example.FromFeatures(("x", Feature.Int64(1))));
        Assert.Equal("0a0c0a0a0a01781205" + "1a030a0101", Convert.ToHexStringLower(bytes));
    }
}
