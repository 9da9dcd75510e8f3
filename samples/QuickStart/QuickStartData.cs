using System.Diagnostics;
using Pipeline;
using Pipeline.Models;
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

        return model.Fit(
            train.Map(Normalize).Prefetch(2),
            epochs: options.Epochs,
            validationData: validation.Map(Normalize));
    }

    // The tutorial's `train_images / 255.0`.
    static (Tensor, Tensor) Normalize(Tensor images, Tensor labels) => (images.div_(255), labels);
}
