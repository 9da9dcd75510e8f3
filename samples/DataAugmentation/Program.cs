// The data augmentation chapter (issue 9 item 8): the tutorial CIFAR-10 CNN without augmentation and with each of the
// three ways Keras users augment images, compared on the same data from the same initial weights.
//   dotnet run -c Release --project samples/DataAugmentation -- [--data DIR] [--test DIR] [--epochs N]
//       [--route none|image-ops|layers|generator|all] [--out DIR] [--batch-size N] [--samples N]
// Without --data: the QuickStart's synthetic shapes (offline, about a minute). Each route ends with the line
// "route <name>: val_accuracy: 0.xxxx test_accuracy: 0.xxxx"; its training curves, the augmentation grid of the
// routes that augment and a grid of the training images are written under --out (default artifacts/data-augmentation).
using System.Diagnostics;
using System.Globalization;
using Pipeline;
using Pipeline.Models;
using static TorchSharp.torch;

AugmentationOptions options;
try { options = AugmentationOptions.Parse(args); }
catch (ArgumentException e)
{
    Console.Error.WriteLine($"DataAugmentation: {e.Message}");
    Console.Error.WriteLine(AugmentationOptions.Usage);
    return 2;
}

var data = AugmentationData.Load(options);
Console.WriteLine($"Data: {data.Description}.");
Console.WriteLine($"Classes: {string.Join(", ", data.ClassNames)}. {options.Epochs} epochs per route, batch {options.BatchSize}.");
Directory.CreateDirectory(options.OutDir);

// The tutorial's first step: look at the data.
using (var first = data.Train.X.narrow(0, 0, 9))
using (var firstLabels = data.Train.Y.narrow(0, 0, 9))
    Saved(Pictures.ImageGrid(first, firstLabels, data.ClassNames, Path.Combine(options.OutDir, "images.png")), "images.png", "nine training images with their classes");

using var validationX = Routes.ToFloat(data.Validation.X);
using var testX = Routes.ToFloat(data.Test.X);
foreach (var route in options.RoutesToRun)
{
    // The same initial weights for every route: only the augmentation differs.
    Pipeline.Models.Utils.SetRandomSeed(42);
    var clock = Stopwatch.StartNew();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    History history;
    Sequential model;
    switch (route)
    {
        case "none":
        {
            model = Compiled(TutorialCnn.Build());
            using var x = Routes.ToFloat(data.Train.X);
            history = model.Fit(x, data.Train.Y, (validationX, data.Validation.Y), batchSize: options.BatchSize, epochs: options.Epochs, verbose: 2);
            break;
        }
        case "image-ops":
        {
            var generator = new Generator(1);
            AugmentationGrid(route, image => Routes.ImageOps(image, generator));
            model = Compiled(TutorialCnn.Build());
            history = model.Fit(Routes.ImageOpsDataset(data.Train, options.BatchSize, seed: 1), epochs: options.Epochs,
                validationData: Dataset.FromTensorSlices(validationX, data.Validation.Y).Batch(options.BatchSize), verbose: 2);
            break;
        }
        case "layers":
        {
            var augmentation = Routes.AugmentationLayers(seed: 1);
            var preview = new Sequential([.. Routes.AugmentationLayers(seed: 2)]);
            AugmentationGrid(route, image => { using var x = Routes.ToFloat(image); return preview.Apply(x, training: true); });
            model = Compiled(TutorialCnn.Build(augmentation));
            using var x = Routes.ToFloat(data.Train.X);
            history = model.Fit(x, data.Train.Y, (validationX, data.Validation.Y), batchSize: options.BatchSize, epochs: options.Epochs, verbose: 2);
            break;
        }
        case "generator":
        {
            var augmenter = Routes.Generator();
            AugmentationGrid(route, image => Routes.ToFloat(augmenter.RandomTransform(image)));
            model = Compiled(TutorialCnn.Build());
            history = model.Fit(augmenter.Flow(data.Train.X, data.Train.Y, batchSize: options.BatchSize, shuffle: true, seed: 1), epochs: options.Epochs,
                validationData: Dataset.FromTensorSlices(validationX, data.Validation.Y).Batch(options.BatchSize), verbose: 2);
            break;
        }
        default:
            throw new InvalidOperationException($"unknown route '{route}'");
    }
    double seconds = clock.Elapsed.TotalSeconds;
    double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    var test = model.Evaluate(testX, data.Test.Y, verbose: 0);
    Saved(Pictures.TrainingCurves(history, Path.Combine(options.OutDir, $"curves-{route}.png")), $"curves-{route}.png", "training and validation curves");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"route {route}: {seconds:F0}s training ({cpuSeconds:F0}s CPU), {seconds / options.Epochs:F1}s per epoch"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"route {route}: val_accuracy: {history["val_accuracy"][^1]:F4} test_accuracy: {test["accuracy"]:F4}"));
    model.Dispose();
}
return 0;

Sequential Compiled(Sequential model)
{
    model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
    return model;
}

void AugmentationGrid(string route, Func<Tensor, Tensor> augment)
{
    using var image = data.Train.X[0];
    var file = $"augmentation-{route}.png";
    Saved(Pictures.AugmentationGrid(image, augment, path: Path.Combine(options.OutDir, file)), file, $"one training image under the {route} augmentation");
}

void Saved(byte[] png, string file, string what) =>
    Console.WriteLine($"saved {Path.Combine(options.OutDir, file)} ({what}, {png.Length:N0} bytes)");
