using Pipeline.Models.Layers;
using Pipeline.Models.Preprocessing;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Preprocessing.ImageDataGeneratorTests;

/// <summary>FlowFromDirectory over a class-per-folder tree of real photos (the cats-vs-dogs fixture).</summary>
public class FlowFromDirectoryTests
{
    static string Train => RepositoryPaths.Fixture("cats-vs-dogs", "train");

    [Fact]
    public void Classes_are_indexed_in_alphanumeric_order_and_files_listed_like_Keras()
    {
        var root = Directory.CreateTempSubdirectory("imagegen-classes-").FullName;
        try
        {
            // Folder names whose creation order and case differ from their sorted order.
            foreach (var name in new[] { "b_class", "B2", "a10", "a9" })
            {
                Directory.CreateDirectory(Path.Combine(root, name, "nested"));
                File.Copy(Path.Combine(Train, "cats", "cat.1.jpg"), Path.Combine(root, name, "z.jpg"));
                File.Copy(Path.Combine(Train, "dogs", "dog.1.jpg"), Path.Combine(root, name, "nested", "a.JPG"));
                File.WriteAllText(Path.Combine(root, name, "notes.txt"), "not an image");
            }
            var iterator = new ImageDataGenerator().FlowFromDirectory(root, targetSize: (16, 16));

            Assert.Equal(["B2", "a10", "a9", "b_class"], iterator.ClassIndices.OrderBy(kv => kv.Value).Select(kv => kv.Key));
            Assert.Equal(4, iterator.NumClasses);
            Assert.Equal(8, iterator.Samples);
            // Within a class: the folder's own files, then sub-folders (os.walk order), each sorted.
            Assert.Equal(Path.Combine("B2", "z.jpg"), iterator.Filenames[0]);
            Assert.Equal(Path.Combine("B2", "nested", "a.JPG"), iterator.Filenames[1]);
            Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3], iterator.Classes);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Batches_are_float32_images_of_the_target_size_with_one_hot_labels_of_their_folders()
    {
        var iterator = new ImageDataGenerator(rescale: 1.0 / 255).FlowFromDirectory(Train, targetSize: (24, 20), batchSize: 64, seed: 1);
        Assert.Equal(200, iterator.Samples);
        Assert.Equal(4, iterator.Cardinality());
        Assert.Equal(new Dictionary<string, int> { ["cats"] = 0, ["dogs"] = 1 }, iterator.ClassIndices);

        using var enumerator = iterator.GetEnumerator();
        Assert.True(enumerator.MoveNext());
        var (images, labels) = enumerator.Current;
        using (images)
        using (labels)
        {
            Assert.Equal([64L, 24, 20, 3], images.shape);
            Assert.Equal(ScalarType.Float32, images.dtype);
            Assert.InRange(images.max().item<float>(), 0.5f, 1f);
            Assert.Equal([64L, 2], labels.shape);
            Assert.True(labels.sum(1).eq(1).all().item<bool>());
        }
    }

    [Fact]
    public void ValidationSplit_takes_the_first_files_of_each_class_for_validation()
    {
        var generator = new ImageDataGenerator(validationSplit: 0.1);
        var training = generator.FlowFromDirectory(Train, targetSize: (8, 8), classMode: "sparse", seed: 2, subset: "training");
        var validation = generator.FlowFromDirectory(Train, targetSize: (8, 8), classMode: "sparse", seed: 2, subset: "validation");

        Assert.Equal(180, training.Samples);
        Assert.Equal(20, validation.Samples);
        Assert.Empty(training.Filenames.Intersect(validation.Filenames));
        Assert.Equal(200, training.Filenames.Union(validation.Filenames).Count());
        // Per class, the first 10 of 100 sorted names: cat.1, cat.10, cat.100, cat.11, ...
        Assert.Equal(Path.Combine("cats", "cat.1.jpg"), validation.Filenames[0]);
        Assert.Equal(Path.Combine("cats", "cat.100.jpg"), validation.Filenames[2]);
        Assert.Equal(10, validation.Classes.Count(c => c == 1));
    }

    [Fact]
    public void Unknown_class_mode_color_mode_and_missing_folders_are_refused_by_name()
    {
        var generator = new ImageDataGenerator();
        var classMode = Assert.Throws<ArgumentException>(() => generator.FlowFromDirectory(Train, classMode: "raw"));
        Assert.Equal("classMode", classMode.ParamName);
        Assert.Contains("\"categorical\", \"binary\", \"sparse\" or \"input\"; got \"raw\"", classMode.Message);
        var colorMode = Assert.Throws<ArgumentException>(() => generator.FlowFromDirectory(Train, colorMode: "cmyk"));
        Assert.Equal("colorMode", colorMode.ParamName);
        Assert.Contains("got \"cmyk\"", colorMode.Message);
        var subset = Assert.Throws<ArgumentException>(() => generator.FlowFromDirectory(Train, subset: "validation"));
        Assert.Equal("subset", subset.ParamName);
        Assert.Throws<DirectoryNotFoundException>(() => generator.FlowFromDirectory(Path.Combine(Train, "no-such-folder")));
        var binary = Assert.Throws<ArgumentException>(() => generator.FlowFromDirectory(Train, classes: ["cats"], classMode: "binary"));
        Assert.Contains("exactly 2 classes; found 1", binary.Message);
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_named_never_skipped()
    {
        var root = Directory.CreateTempSubdirectory("imagegen-bad-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "a"));
            var truncated = Path.Combine(root, "a", "broken.jpg");
            File.WriteAllBytes(truncated, File.ReadAllBytes(Path.Combine(Train, "cats", "cat.1.jpg"))[..200]);
            var iterator = new ImageDataGenerator().FlowFromDirectory(root, targetSize: (8, 8));
            var e = Assert.ThrowsAny<Exception>(() => { foreach (var (x, y) in iterator) { x.Dispose(); y.Dispose(); } });
            var inner = e as InvalidDataException ?? e.InnerException as InvalidDataException;
            Assert.NotNull(inner);
            Assert.Contains("ImageDataGenerator.FlowFromDirectory: cannot decode", inner.Message);
            Assert.Contains(truncated, inner.Message);

            File.WriteAllBytes(Path.Combine(root, "a", "scan.tif"), [0x49, 0x49, 0x2a, 0]);
            var tif = Assert.Throws<ArgumentException>(() => new ImageDataGenerator().FlowFromDirectory(root));
            Assert.Contains("scan.tif", tif.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void FlowFromDirectory_feeds_Fit_with_binary_labels_and_validation_data()
    {
        manual_seed(5);
        var generator = new ImageDataGenerator(rescale: 1.0 / 255, horizontalFlip: true, rotationRange: 10, validationSplit: 0.2);
        var training = generator.FlowFromDirectory(Train, targetSize: (16, 16), classMode: "binary", batchSize: 32, seed: 3, subset: "training");
        var validation = generator.FlowFromDirectory(Train, targetSize: (16, 16), classMode: "binary", batchSize: 32, seed: 3, subset: "validation");
        using var model = new Sequential(
        [
            new Input([16, 16, 3]),
            new Conv2D(4, 3, activation: "relu"),
            new GlobalAveragePooling2D(),
            new Dense(1, activation: "sigmoid"),
        ]);
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);

        var history = model.Fit(training, epochs: 2, validationData: validation, verbose: 0);

        Assert.Equal(2, history["val_loss"].Count);
        Assert.All(history["loss"], l => Assert.True(double.IsFinite(l)));
    }
}
