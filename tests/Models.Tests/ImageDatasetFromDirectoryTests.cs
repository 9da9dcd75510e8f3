using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public sealed class ImageDatasetFromDirectoryTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), "models-tests-" + Guid.NewGuid().ToString("N"));

    public ImageDatasetFromDirectoryTests()
    {
        // Three classes, created out of alphabetical order; each image's red value encodes (class, index).
        foreach (var (name, label) in new[] { ("zebra", 2), ("ant", 0), ("cat", 1) })
        {
            Directory.CreateDirectory(Path.Combine(_root, name));
            for (int i = 0; i < 5; i++)
            {
                using var image = full([6, 4, 3], label * 50 + i * 5, dtype: ScalarType.Byte);
                File.WriteAllBytes(Path.Combine(_root, name, $"{i:D2}.png"), Image.EncodePng(image));
            }
        }
        File.WriteAllText(Path.Combine(_root, "ant", "notes.txt"), "not an image");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Labels_come_from_alphabetical_folder_names_and_pixels_are_float_0_to_255()
    {
        var ds = Utils.ImageDatasetFromDirectory(_root, imageSize: (6, 4), batchSize: 4, shuffle: false);
        Assert.Equal(["ant", "cat", "zebra"], ds.ClassNames);
        Assert.Equal(4, ds.Cardinality());
        var labels = new List<long>();
        foreach (var (x, y) in ds)
            using (x)
            using (y)
            {
                Assert.Equal(ScalarType.Float32, x.dtype);
                Assert.Equal([x.shape[0], 6, 4, 3], x.shape);
                var reds = x[.., 0, 0, 0].data<float>().ToArray();
                var ys = y.data<long>().ToArray();
                for (int k = 0; k < ys.Length; k++) Assert.Equal(ys[k], (long)(reds[k] / 50));
                labels.AddRange(ys);
            }
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2], labels);
    }

    [Fact]
    public void Validation_split_with_a_seed_partitions_the_files_between_the_subsets()
    {
        var train = Utils.ImageDatasetFromDirectory(_root, imageSize: (6, 4), validationSplit: 0.2, subset: "training", seed: 7);
        var validation = Utils.ImageDatasetFromDirectory(_root, imageSize: (6, 4), validationSplit: 0.2, subset: "validation", seed: 7);
        Assert.Equal(12, train.FilePaths.Count);
        Assert.Equal(3, validation.FilePaths.Count);
        Assert.Empty(train.FilePaths.Intersect(validation.FilePaths));
        Assert.Equal(15, train.FilePaths.Union(validation.FilePaths).Count());
    }

    [Fact]
    public void Images_are_resized_to_image_size()
    {
        var ds = Utils.ImageDatasetFromDirectory(_root, imageSize: (3, 2), batchSize: 15, shuffle: false);
        var (x, y) = ds.First();
        using (x)
        using (y)
        {
            Assert.Equal([15, 3, 2, 3], x.shape);
            Assert.Equal(0f, x[0].max().item<float>());
            Assert.Equal(120f, x[14].min().item<float>());
        }
    }

    [Fact]
    public void A_validation_split_with_shuffling_needs_a_seed()
    {
        var e = Assert.Throws<ArgumentException>(() => Utils.ImageDatasetFromDirectory(_root, validationSplit: 0.2, subset: "training"));
        Assert.Equal("seed", e.ParamName);
    }

    [Fact]
    public void A_corrupt_image_is_reported_with_its_path()
    {
        var bad = Path.Combine(_root, "cat", "99.jpg");
        File.WriteAllBytes(bad, [0xFF, 0xD8, 0xFF, 0x00, 0x01]);
        var e = Assert.Throws<InvalidDataException>(() => Utils.ImageDatasetFromDirectory(_root, imageSize: (6, 4)));
        Assert.Contains(bad, e.Message);
    }

    [Fact]
    public void A_missing_directory_is_named()
    {
        var missing = Path.Combine(_root, "nope");
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => Utils.ImageDatasetFromDirectory(missing)).Message);
    }
}
