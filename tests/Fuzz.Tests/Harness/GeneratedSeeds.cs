using Google.Protobuf;
using Pipeline.Records;

namespace Fuzz.Tests.Harness;

/// <summary>
/// Seeds the library's own writers make: Examples, SequenceExamples and TFRecord files of them in every compression.
/// They are built here on each run rather than committed, so the corpus always matches what the code writes today.
/// </summary>
public static class GeneratedSeeds
{
    /// <summary>The generated seeds of the target <paramref name="target"/>, or none.</summary>
    public static IEnumerable<byte[]> For(string target) => target switch
    {
        "example" => Examples(),
        "sequence-example" => SequenceExamples(),
        "tfrecord" => RecordFiles(TFRecordCompression.None),
        "tfrecord-gzip" => RecordFiles(TFRecordCompression.Gzip),
        "tfrecord-zlib" => RecordFiles(TFRecordCompression.Zlib),
        _ => [],
    };

    /// <summary>Scalar, fixed-length and variable-length features, extreme int64s, UTF-8, empty lists, no features.</summary>
    static List<byte[]> Examples() =>
    [
        Example.FromFeatures(
            ("label", Feature.Int64(3)),
            ("image", Feature.Bytes(new byte[] { 1, 2, 3, 4, 5, 6 })),
            ("floats", Feature.Float(0.5f, -1f, 3e9f))).ToByteArray(),
        Example.FromFeatures(
            ("ids", Feature.Int64(1, -2, long.MaxValue, long.MinValue)),
            ("names", Feature.String("a", "", "naïve")),
            ("rows", Feature.Float(1, 2, 3, 4))).ToByteArray(),
        Example.FromFeatures(("label", Feature.Int64()), ("rows", Feature.Float())).ToByteArray(),
        Example.FromFeatures(
            ("species", Feature.Int64(2)),
            ("body_mass_g", Feature.Float(0.25f)),
            ("floats", Feature.Float(1, 2, 3)),
            ("names", Feature.String("x"))).ToByteArray(),
        new Example().ToByteArray(),
    ];

    /// <summary>A SequenceExample with context and two feature lists (one with an empty step), and an empty one.</summary>
    static List<byte[]> SequenceExamples()
    {
        var full = new SequenceExample
        {
            Context = Example.FromFeatures(("length", Feature.Int64(3)), ("title", Feature.String("hello"))).Features,
            FeatureLists = new FeatureLists
            {
                FeatureList =
                {
                    ["tokens"] = new FeatureList { Feature = { Feature.Int64(1, 2), Feature.Int64(3), Feature.Int64() } },
                    ["frames"] = new FeatureList { Feature = { Feature.Float(1, 2), Feature.Float(3, 4) } },
                },
            },
        };
        return [full.ToByteArray(), new SequenceExample().ToByteArray()];
    }

    /// <summary>No records; one record; the Examples plus an empty record and 300 zero bytes.</summary>
    static IEnumerable<byte[]> RecordFiles(TFRecordCompression compression)
    {
        var examples = Examples();
        yield return Write([], compression);
        yield return Write([examples[0]], compression);
        yield return Write([.. examples, [], new byte[300]], compression);
    }

    static byte[] Write(IEnumerable<byte[]> records, TFRecordCompression compression)
    {
        var file = new MemoryStream();
        using (var writer = new TFRecordWriter(file, compression, leaveOpen: true))
            foreach (var r in records) writer.Write(r);
        return file.ToArray();
    }
}
