using Pipeline.Models;
using static TorchSharp.torch;

/// <summary>
/// The chapter's data as uint8 (N, 32, 32, 3) images and int64 labels: a class-per-folder image tree (--data, e.g. the
/// CIFAR-10 JPEGs) with 10% held out for validation and an optional separate test tree (--test); without --data, the
/// QuickStart's synthetic shapes, the same in every process.
/// </summary>
internal sealed record AugmentationData((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Validation, (Tensor X, Tensor Y) Test,
    IReadOnlyList<string> ClassNames, string Description)
{
    public static AugmentationData Load(AugmentationOptions options)
    {
        IReadOnlyList<string> classNames;
        Tensor x, y;
        string source;
        if (options.DataDir is null)
        {
            int count = options.Samples ?? 4000;
            var (pixels, labels) = SyntheticImages.Generate(count, seed: 42);
            (x, y, classNames) = (tensor(pixels, [count, 32, 32, 3]), tensor(labels), SyntheticImages.ClassNames);
            source = $"{count:N0} synthetic 32x32 images (the QuickStart's shapes)";
        }
        else
        {
            (x, y, classNames) = FromDirectory(options.DataDir);
            source = $"{options.DataDir}: {x.shape[0]:N0} images";
            if (options.Samples is int cap && cap < x.shape[0])
            {
                // A seeded random subset, so every route and every run trains on the same images.
                using var pick = randperm(x.shape[0], generator: new Generator(7)).narrow(0, 0, cap);
                (x, y) = (x.index_select(0, pick), y.index_select(0, pick));
                source += $", a random {cap:N0} of them (--samples)";
            }
        }

        long n = x.shape[0], held = Math.Max(1, n / 10);
        using var order = randperm(n, generator: new Generator(42));
        var shuffledX = x.index_select(0, order);
        var shuffledY = y.index_select(0, order);
        var train = (shuffledX.narrow(0, 0, n - held), shuffledY.narrow(0, 0, n - held));
        var validation = (shuffledX.narrow(0, n - held, held), shuffledY.narrow(0, n - held, held));
        var test = validation;
        string testNote = "no --test: the test accuracy is scored on the validation images";
        if (options.TestDir is not null)
        {
            var (tx, ty, testClasses) = FromDirectory(options.TestDir);
            if (!testClasses.SequenceEqual(classNames))
                throw new ArgumentException($"--test '{options.TestDir}' has classes {string.Join(", ", testClasses)}, but --data has {string.Join(", ", classNames)}.");
            test = (tx, ty);
            testNote = $"test: {tx.shape[0]:N0} images from {options.TestDir}";
        }
        return new AugmentationData(train, validation, test, classNames,
            $"{source}; training {n - held:N0}, validation {held:N0} (10%, seed 42); {testNote}");
    }

    static (Tensor X, Tensor Y, IReadOnlyList<string> ClassNames) FromDirectory(string directory)
    {
        // Keras's cifar10.load_data() arrays, read from a folder tree: uint8 (N, 32, 32, 3) and (N, 1) labels.
        var (x, y) = Pipeline.Models.Datasets.Cifar10.LoadFolder(directory);
        var classNames = Directory.GetDirectories(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (classNames.Count != 10)
            throw new ArgumentException($"The tutorial network has 10 outputs; '{directory}' has {classNames.Count} class folders.");
        var images = tensor(x.ToArray<byte>(), [x.shape[0], 32, 32, 3]);
        var labels = tensor(y.ToArray<long>());
        return (images, labels, classNames!);
    }
}
