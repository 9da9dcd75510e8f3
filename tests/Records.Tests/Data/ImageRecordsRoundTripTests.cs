using System.Globalization;
using Pipeline;
using Pipeline.Records;

namespace Records.Tests.Data;

/// <summary>The tutorial's flow on real photos: JPEG files -> Examples in a TFRecord -> dataset -> parse -> decode.</summary>
public class ImageRecordsRoundTripTests
{
    [Fact]
    public void Jpegs_written_as_examples_decode_back_to_their_manifest_sizes()
    {
        var rows = File.ReadAllLines(Path.Combine(Fixtures.CatsVsDogs, "MANIFEST.tsv")).Skip(1)
            .Select(l => l.Split('\t')).Where(r => r[0].StartsWith("test/", StringComparison.Ordinal)).Take(6).ToList();
        using var dir = new TempDir();
        var file = dir.File("images.tfrecord");
        using (var writer = new TFRecordWriter(file, TFRecordCompression.Gzip))
        {
            foreach (var row in rows)
                writer.Write(Example.FromImage(File.ReadAllBytes(Path.Combine(Fixtures.CatsVsDogs, row[0])), row[0].Contains("/dogs/") ? 1 : 0));
            writer.Close();
        }
        var spec = new Dictionary<string, FeatureSpec>
        {
            ["height"] = new FixedLenFeature([], FeatureType.Int64),
            ["width"] = new FixedLenFeature([], FeatureType.Int64),
            ["label"] = new FixedLenFeature([], FeatureType.Int64),
            ["image_raw"] = new FixedLenFeature([], FeatureType.String),
        };
        var decoded = new TFRecordDataset(file, TFRecordCompression.Gzip).Map(record =>
        {
            using var f = ExampleParser.ParseSingleExample(record, spec);
            using var image = Pipeline.Image.DecodeJpeg(f.Bytes("image_raw"));
            return (Shape: image.shape, Height: f["height"].item<long>(), Width: f["width"].item<long>(), Label: f["label"].item<long>());
        }).ToList();
        Assert.Equal(rows.Count, decoded.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            long width = long.Parse(rows[i][2], CultureInfo.InvariantCulture), height = long.Parse(rows[i][3], CultureInfo.InvariantCulture);
            Assert.Equal(new[] { height, width, 3L }, decoded[i].Shape);
            Assert.Equal((height, width), (decoded[i].Height, decoded[i].Width));
            Assert.Equal(rows[i][0].Contains("/dogs/") ? 1L : 0L, decoded[i].Label);
        }
    }
}
