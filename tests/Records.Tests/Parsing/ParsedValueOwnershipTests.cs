using System.Runtime.InteropServices;
using Pipeline;
using Pipeline.Records;

namespace Records.Tests.Parsing;

/// <summary>
/// Who owns the bytes of a parsed string value: parsed from a <c>byte[]</c>, a large value (an encoded image) is a view
/// of that array, a small one a copy; parsed from a pooled <see cref="RecordBuffer"/>, every value is copied out and
/// outlives the buffer going back to the pool.
/// </summary>
public class ParsedValueOwnershipTests
{
    private static readonly Dictionary<string, FeatureSpec> Spec = new()
    {
        ["image_raw"] = new FixedLenFeature([], FeatureType.String),
        ["name"] = new FixedLenFeature([], FeatureType.String),
        ["label"] = new FixedLenFeature([], FeatureType.Int64),
    };

    private static byte[] Image(int seed, int length = 4000)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Record(byte[] image, string name, long label) => Google.Protobuf.MessageExtensions.ToByteArray(
        Example.FromFeatures(("image_raw", Feature.Bytes(image)), ("name", Feature.String(name)), ("label", Feature.Int64(label))));

    private static byte[]? ArrayOf(ReadOnlyMemory<byte> memory) => MemoryMarshal.TryGetArray(memory, out var segment) ? segment.Array : null;

    [Fact]
    public void From_a_byte_array_a_value_of_at_least_half_the_record_is_a_view_and_a_small_one_a_copy()
    {
        var image = Image(1);
        var record = Record(image, "cat", 7);
        using var f = ExampleParser.ParseSingleExample(record, Spec);

        Assert.Same(record, ArrayOf(f.BytesMemory("image_raw")));
        Assert.Equal(image, f.BytesMemory("image_raw").ToArray());
        Assert.NotSame(record, ArrayOf(f.BytesMemory("name")));
        Assert.Equal("cat"u8.ToArray(), f.Bytes("name"));
        Assert.Equal(7, f["label"].item<long>());
    }

    [Fact]
    public void Bytes_copies_a_view_once_into_an_array_of_its_own()
    {
        var image = Image(2);
        var record = Record(image, "dog", 1);
        using var f = ExampleParser.ParseSingleExample(record, Spec);

        var bytes = f.Bytes("image_raw");
        Assert.Equal(image, bytes);
        Assert.NotSame(record, bytes);
        Assert.Same(bytes, f.Bytes("image_raw"));
        Assert.Same(bytes, f.Strings("image_raw").Values[0]);
    }

    [Fact]
    public void A_batch_parse_gives_views_of_each_record()
    {
        var records = new[] { Record(Image(3), "a", 0), Record(Image(4), "b", 1) };
        using var f = ExampleParser.ParseExample(records, Spec);

        var images = f.Strings("image_raw");
        Assert.Equal(new long[] { 2 }, images.Shape);
        Assert.Same(records[0], ArrayOf(images.ValueMemory[0]));
        Assert.Same(records[1], ArrayOf(images.ValueMemory[1]));
        Assert.Equal(Image(4), images.Values[1]);
        Assert.Equal(["a", "b"], f.Strings("name").ToStrings());
    }

    [Fact]
    public void Views_batch_unbatch_and_cache_like_copied_values()
    {
        using var dir = new TempDir();
        var file = dir.File("images.tfrecord");
        using (var writer = new TFRecordWriter(file))
        {
            for (int i = 0; i < 5; i++) writer.Write(Record(Image(10 + i), $"n{i}", i));
            writer.Close();
        }
        var parsed = new TFRecordDataset(file).Map(r => ExampleParser.ParseSingleExample(r, Spec));
        var rows = parsed.Batch(2).Cache(dir.File("cache")).Unbatch();
        for (int epoch = 0; epoch < 2; epoch++)   // the second epoch reads the cache file
        {
            var seen = rows.Select(f => { using (f) return (f.Bytes("image_raw"), f.Strings("name").ToStrings()[0], f["label"].item<long>()); }).ToList();
            Assert.Equal(Enumerable.Range(0, 5).Select(i => (Image(10 + i), $"n{i}", (long)i)), seen);
        }
    }

    [Fact]
    public void From_a_pooled_record_values_are_copies_that_outlive_the_buffer()
    {
        using var dir = new TempDir();
        var file = dir.File("images.tfrecord");
        using (var writer = new TFRecordWriter(file))
        {
            for (int i = 0; i < 6; i++) writer.Write(Record(Image(20 + i), $"n{i}", i));
            writer.Close();
        }
        var kept = new List<ParsedFeatures>();
        var buffers = new List<byte[]?>();
        foreach (var record in new TFRecordDataset(file).Pooled())
        {
            using (record)
            {
                buffers.Add(ArrayOf(record.Memory));
                kept.Add(ExampleParser.ParseSingleExample(record, Spec));
            }
        }
        // Later records were read into the arrays the earlier ones gave back; the parsed values are untouched.
        for (int i = 0; i < kept.Count; i++)
        {
            using var f = kept[i];
            Assert.DoesNotContain(ArrayOf(f.BytesMemory("image_raw")), buffers);
            Assert.Equal(Image(20 + i), f.Bytes("image_raw"));
            Assert.Equal($"n{i}", f.Strings("name").ToStrings()[0]);
            Assert.Equal(i, f["label"].item<long>());
        }
    }

    [Fact]
    public void A_corrupt_pooled_record_is_named_by_file_record_and_byte_offset()
    {
        using var dir = new TempDir();
        var file = dir.File("corrupt.tfrecord");
        var good = Record(Image(30), "ok", 0);
        var bad = Record(Image(31), "cut", 1)[..^40];   // the image's bytes end early: the length prefix overruns
        using (var writer = new TFRecordWriter(file))
        {
            writer.Write(good);
            writer.Write(bad);
            writer.Close();
        }
        long offset = 16 + good.Length;   // one record's framing: length (8) + its CRC (4) + data + data CRC (4)
        var ds = new TFRecordDataset(file).Pooled().Map(r => ExampleParser.ParseSingleExample(r, Spec));
        var error = Assert.Throws<DatasetException>(() => ds.ToList());
        Assert.StartsWith($"In '{file}', record 1 (byte offset {offset}): Could not parse serialized Example (index 0, {bad.Length} bytes)", error.InnerException!.Message);
    }

    [Fact]
    public void A_corrupt_record_parsed_from_its_array_is_named_by_file_record_and_byte_offset()
    {
        using var dir = new TempDir();
        var file = dir.File("corrupt.tfrecord");
        var good = Record(Image(40), "ok", 0);
        var bad = Record(Image(41), "cut", 1)[..^40];
        using (var writer = new TFRecordWriter(file))
        {
            writer.Write(good);
            writer.Write(bad);
            writer.Close();
        }
        var ds = new TFRecordDataset(file).Map(r => ExampleParser.ParseSingleExample(r, Spec));
        var error = Assert.Throws<DatasetException>(() => ds.ToList());
        Assert.StartsWith($"In '{file}', record 1 (byte offset {16 + good.Length}): Could not parse serialized Example", error.InnerException!.Message);
    }
}
