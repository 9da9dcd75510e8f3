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
    public void A_corrupt_image_is_reported_with_its_path_when_it_is_read()
    {
        var bad = Path.Combine(_root, "cat", "99.jpg");
        File.WriteAllBytes(bad, [0xFF, 0xD8, 0xFF, 0x00, 0x01]);
        var ds = Utils.ImageDatasetFromDirectory(_root, imageSize: (6, 4));   // lazy: nothing decoded yet
        var e = Assert.Throws<DatasetException>(() => { foreach (var (x, y) in ds) { x.Dispose(); y.Dispose(); } });
        var inner = Assert.IsType<InvalidDataException>(e.InnerException);
        Assert.Contains(bad, inner.Message);
        Assert.Contains("truncated", inner.Message);
    }

    [Fact]
    public void The_dataset_is_the_pipeline_a_user_would_write_and_the_lint_sees_it()
    {
        var ds = Utils.ImageDatasetFromDirectory(_root, imageSize: (6, 4), batchSize: 4, seed: 3);
        Assert.Equal(["FromTensorSlices", "Shuffle", "Map", "Batch"], ds.Plan.Select(s => s.Name));
        Assert.Contains("LoadImage", ds.ToString());
        Assert.Contains("AUTOTUNE", ds.ToString());
        var prefetched = ds.Prefetch();
        Assert.Equal(["FromTensorSlices", "Shuffle", "Map", "Batch", "Prefetch"], prefetched.Plan.Select(s => s.Name));
        Assert.DoesNotContain(prefetched.Lint(), f => f.Severity == LintSeverity.Warning);
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_epoch_orders_and_another_seed_differs()
    {
        static List<long> FirstEpochLabels(ImageDirectoryDataset ds)
        {
            var all = new List<long>();
            foreach (var (x, y) in ds) using (x) using (y) all.AddRange(y.data<long>().ToArray());
            return all;
        }
        var a = Utils.ImageDatasetFromDirectory(_root, imageSize: (6, 4), seed: 11, validationSplit: 0.4, subset: "training");
        var b = Utils.ImageDatasetFromDirectory(_root, imageSize: (6, 4), seed: 11, validationSplit: 0.4, subset: "training");
        Assert.Equal(a.FilePaths, b.FilePaths);
        Assert.Equal(FirstEpochLabels(a), FirstEpochLabels(b));
        var c = Utils.ImageDatasetFromDirectory(_root, imageSize: (6, 4), seed: 12, validationSplit: 0.4, subset: "training");
        Assert.NotEqual(a.FilePaths, c.FilePaths);
        // Labels follow FilePaths: each file's folder is its class.
        for (int i = 0; i < a.FilePaths.Count; i++)
            Assert.Equal(a.ClassNames[(int)a.Labels[i]], Path.GetFileName(Path.GetDirectoryName(a.FilePaths[i])));
    }

    [Fact]
    public void Both_subsets_at_once_partition_the_files()
    {
        var (train, validation) = Utils.ImageDatasetsFromDirectory(_root, validationSplit: 0.2, seed: 5, imageSize: (6, 4));
        Assert.Equal(12, train.FilePaths.Count);
        Assert.Equal(3, validation.FilePaths.Count);
        Assert.Empty(train.FilePaths.Intersect(validation.FilePaths));
        Assert.Contains("ImageDatasetsFromDirectory", Assert.Throws<ArgumentException>(() => Utils.ImageDatasetFromDirectory(_root, validationSplit: 0.2, subset: "both", seed: 1)).Message);
    }

    [Fact]
    public void Categorical_and_binary_label_modes_give_float_targets()
    {
        var categorical = Utils.ImageDatasetFromDirectory(_root, labelMode: "categorical", imageSize: (6, 4), batchSize: 15, shuffle: false);
        var (x, y) = categorical.First();
        using (x) using (y)
        {
            Assert.Equal([15L, 3], y.shape);
            Assert.Equal(ScalarType.Float32, y.dtype);
            Assert.Equal(1f, y[14, 2].item<float>());
        }
        Assert.Contains("exactly 2 classes", Assert.Throws<ArgumentException>(() => Utils.ImageDatasetFromDirectory(_root, labelMode: "binary")).Message);
        var binary = Utils.ImageDatasetFromDirectory(_root, labelMode: "binary", classNames: ["ant", "cat"], imageSize: (6, 4), batchSize: 10, shuffle: false);
        var (bx, by) = binary.First();
        using (bx) using (by)
        {
            Assert.Equal([10L, 1], by.shape);
            Assert.Equal(1f, by[9, 0].item<float>());
        }
    }

    [Fact]
    public void Crop_to_aspect_ratio_takes_the_centre_instead_of_squashing()
    {
        // One 4 (high) x 8 (wide) image: left half 0, right half 200; square target keeps the centre 4x4 (columns 2..5).
        var dir = Path.Combine(_root, "wide", "only");
        Directory.CreateDirectory(dir);
        using var image = zeros([4, 8, 3], dtype: ScalarType.Byte);
        image[.., 4.., ..] = tensor((byte)200);
        File.WriteAllBytes(Path.Combine(dir, "a.png"), Image.EncodePng(image));
        var ds = Utils.ImageDatasetFromDirectory(Path.Combine(_root, "wide"), imageSize: (4, 4), cropToAspectRatio: true, interpolation: "nearest");
        var (x, y) = ds.First();
        using (x) using (y)
        {
            Assert.Equal(new float[] { 0, 0, 200, 200 }, x[0, 0, .., 0].data<float>().ToArray());
        }
    }

    [Fact]
    public void A_missing_directory_is_named()
    {
        var missing = Path.Combine(_root, "nope");
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => Utils.ImageDatasetFromDirectory(missing)).Message);
    }
}
