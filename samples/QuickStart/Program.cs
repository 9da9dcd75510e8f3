using System.Diagnostics;
using System.Globalization;
using Pipeline.Models;
using Pipeline.Models.Layers;
using static TorchSharp.torch;

// The TensorFlow "Convolutional Neural Network (CNN)" tutorial, on Pipeline.Models.
//   dotnet run -c Release --project samples/QuickStart                  built-in synthetic shapes (offline, ~1 minute)
//   dotnet run -c Release --project samples/QuickStart -- --data DIR    a class-per-folder JPEG tree, e.g. CIFAR-10
// Options: --epochs N, --batch-size N, --samples N (synthetic only), --validation-split F.
var options = QuickStartOptions.Parse(args);
if (options is null) return 2;
Pipeline.Models.Utils.SetRandomSeed(42);

var model = new Sequential(
[
    new Input([32, 32, 3]),
    new Conv2D(32, 3, padding: "same", activation: "relu"),
    new MaxPooling2D(2),
    new Conv2D(64, 3, padding: "same", activation: "relu"),
    new MaxPooling2D(2),
    new Reshape([4096]),
    new Dense(256, activation: "relu"),
    new Dense(10, activation: "softmax"),
]);
model.Summary();
model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);

History history;
var clock = Stopwatch.StartNew();
double seconds;
if (options.DataDir is null)
{
    var generation = Stopwatch.StartNew();
    var (pixels, labels) = SyntheticImages.Generate(options.Samples, seed: 42);
    using var images = tensor(pixels, [options.Samples, 32, 32, 3]).to_type(ScalarType.Float32).div_(QuickStartData.ByteMax);
    using var y = tensor(labels);
    Console.WriteLine($"Data: {options.Samples:N0} synthetic 32x32 RGB images, 10 classes ({string.Join(", ", SyntheticImages.ClassNames)}), " +
                      $"generated in {generation.Elapsed.TotalSeconds:F1}s; the last {options.ValidationSplit * 100:F0}% are held out for validation.");
    clock.Restart();
    history = model.Fit(images, y, batchSize: options.BatchSize, epochs: options.Epochs, validationSplit: options.ValidationSplit);
    seconds = clock.Elapsed.TotalSeconds;
}
else
{
    clock.Restart();
    history = QuickStartData.FitOnDirectory(model, options, out var loadSeconds);
    seconds = clock.Elapsed.TotalSeconds - loadSeconds;
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Validation accuracy after {options.Epochs} epochs: {history["val_accuracy"][^1] * 100:F1}% (chance: 10%). " +
    $"Training took {seconds:F0}s, {seconds / options.Epochs:F1}s per epoch."));
model.Dispose();
return 0;
