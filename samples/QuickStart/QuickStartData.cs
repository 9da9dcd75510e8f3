using System.Diagnostics;
using Pipeline;
using Pipeline.Models;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>Training on a class-per-folder JPEG tree such as the unpacked CIFAR-10 training set.</summary>
internal static class QuickStartData
{
    public static History FitOnDirectory(Sequential model, QuickStartOptions options, out double loadSeconds)
    {
        var clock = Stopwatch.StartNew();
        // Keras's tutorial flow: two subsets of one folder tree, split by the same seed so they never overlap.
        var train = Utils.ImageDatasetFromDirectory(options.DataDir!, imageSize: (32, 32), batchSize: options.BatchSize,
            validationSplit: options.ValidationSplit, subset: "training", seed: 42);
        var validation = Utils.ImageDatasetFromDirectory(options.DataDir!, imageSize: (32, 32), batchSize: options.BatchSize,
            validationSplit: options.ValidationSplit, subset: "validation", seed: 42);
        loadSeconds = clock.Elapsed.TotalSeconds;
        if (train.ClassNames.Count != 10)
            throw new ArgumentException($"The tutorial model has 10 outputs; '{options.DataDir}' has {train.ClassNames.Count} class folders.");
        Console.WriteLine($"Data: {options.DataDir}: {train.FilePaths.Count:N0} training images, {validation.FilePaths.Count:N0} held out " +
                          $"for validation ({options.ValidationSplit * 100:F0}%, seed 42), classes {string.Join(", ", train.ClassNames)}; " +
                          $"decoded in {loadSeconds:F1}s.");

        Console.WriteLine("Training batches are randomly flipped left-right (augmentation against over-fitting); validation images are not.");
        var random = new Random(42);
        return model.Fit(
            train.Map(Normalize).Map((images, labels) => (RandomFlip(images, random), labels), name: "RandomFlip").Prefetch(2),
            epochs: options.Epochs,
            validationData: validation.Map(Normalize));
    }

    // Kept alive for the process: TorchSharp's temporary Scalars can be finalized during the native call.
    internal static readonly TorchSharp.Scalar ByteMax = 255.0.ToScalar();

    /// <summary>Mirrors a random half of the batch's images along the width axis (Keras's RandomFlip("horizontal")).</summary>
    static Tensor RandomFlip(Tensor images, Random random)
    {
        var mask = new bool[images.shape[0]];
        for (int i = 0; i < mask.Length; i++) mask[i] = random.Next(2) == 1;
        using var flip = tensor(mask).reshape(-1, 1, 1, 1);
        using var mirrored = images.flip(2);
        return where(flip, mirrored, images);
    }

    // The tutorial's `train_images / 255.0`.
    static (Tensor, Tensor) Normalize(Tensor images, Tensor labels) => (images.div_(ByteMax), labels);
}
