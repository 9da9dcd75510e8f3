using System.Diagnostics;
using System.Globalization;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;

// The TensorFlow tutorial "Transfer learning and fine-tuning", on Pipeline.Models: a MobileNet pretrained on ImageNet
// is frozen and a new classifier head is trained on top of it; then the top blocks of the base are unfrozen and
// trained on with a learning rate ten times lower.
//   dotnet run -c Release --project samples/TransferLearning
//   dotnet run -c Release --project samples/TransferLearning -- --data DIR [--test DIR] [--weights imagenet|PATH]
// Defaults: ../shared/fixtures/cats-vs-dogs/{train,test} and the MobileNet (alpha 0.25) ImageNet weights in
// ../shared/fixtures (else --weights imagenet downloads Keras's file); --epochs 10, --fine-tune-epochs 5.
var options = TransferLearningOptions.Parse(args);
if (options is null) return 2;
Utils.SetRandomSeed(42);
var size = options.ImageSize;

// 1. Data: one sub-folder per class, as keras.utils.image_dataset_from_directory reads it (labels 0/1 for sigmoid).
var train = Utils.ImageDatasetFromDirectory(options.DataDir, labelMode: "binary", imageSize: (size, size), batchSize: options.BatchSize, seed: 42);
var test = Utils.ImageDatasetFromDirectory(options.TestDir, labelMode: "binary", imageSize: (size, size), batchSize: options.BatchSize, shuffle: false);
Console.WriteLine($"Data: {train.FilePaths.Count} training and {test.FilePaths.Count} test images of {string.Join(", ", train.ClassNames)}, resized to {size}x{size}.");
if (train.ClassNames.Count != 2) { Console.Error.WriteLine("TransferLearning: this sample's head is binary; the data needs exactly two class folders."); return 2; }

// 2. The pretrained base: MobileNet without its ImageNet classifier, frozen. A frozen BatchNormalization runs in
//    inference mode (Keras's rule), so the base computes exactly the features it learned on ImageNet.
var baseModel = Applications.MobileNet(inputShape: [size, size, 3], alpha: 0.25, includeTop: false, weights: options.Weights);
baseModel.Trainable = false;
Console.WriteLine($"Base: {baseModel.Name}, {baseModel.Layers.Count} layers, {baseModel.CountParams():N0} parameters, weights from {options.Weights}.");

// 3. The new model: augmentation, MobileNet's preprocessing (x / 127.5 - 1), the base, a new head.
var inputs = new Input([size, size, 3]);
var x = new RandomFlip("horizontal").Apply(inputs);
x = new RandomRotation(0.1).Apply(x);
x = new Rescaling(1 / 127.5, offset: -1).Apply(x);
x = baseModel.Apply(x);
x = new GlobalAveragePooling2D().Apply(x);
x = new Dropout(0.2).Apply(x);
var outputs = new Dense(1, activation: "sigmoid").Apply(x);
var model = new Model(inputs, outputs);
model.Compile(new Adam(learningRate: 1e-2), "binary_crossentropy", ["accuracy"]);
model.Summary();

var before = model.Evaluate(test, verbose: 0);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Before training: test loss {before["loss"]:F4}, test accuracy {before["accuracy"]:F4} (the head is random)."));

var clock = Stopwatch.StartNew();
var history = model.Fit(train, epochs: options.Epochs);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Head trained in {clock.Elapsed.TotalSeconds:F0}s."));
Report("after training the head", model.Evaluate(test, verbose: 0));

// 4. Fine-tuning: unfreeze the last two depthwise-separable blocks (conv_dw_12 onwards) but keep their
//    BatchNormalization layers frozen, so they stay in inference mode with ImageNet's statistics (Keras's advice:
//    updating them on a few hundred images would wreck what the base learned). Recompile (required after changing
//    Trainable), with RMSprop at a tenth of the head's learning rate.
if (options.FineTuneEpochs > 0)
{
    var fineTuneAt = baseModel.Layers.ToList().FindIndex(l => l.Name == "conv_dw_12");
    foreach (var layer in baseModel.Layers.Skip(fineTuneAt).Where(l => l is not BatchNormalization)) layer.Trainable = true;
    Console.WriteLine($"Unfroze {baseModel.Layers.Skip(fineTuneAt).Count(l => l.Trainable && l.Weights.Count > 0)} layers of the base from {baseModel.Layers[fineTuneAt].Name} on (BatchNormalization stays frozen).");
    model.Compile(new RMSprop(learningRate: 1e-4), "binary_crossentropy", ["accuracy"]);
    model.Summary();
    clock.Restart();
    model.Fit(train, epochs: options.Epochs + options.FineTuneEpochs, initialEpoch: history.Epochs.Count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Fine-tuned in {clock.Elapsed.TotalSeconds:F0}s."));
    Report("after fine-tuning", model.Evaluate(test, verbose: 0));
}
model.Dispose();
return 0;

static void Report(string stage, EvaluationResult result) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Test set, {stage}:{Environment.NewLine}test_loss: {result["loss"]:F4}{Environment.NewLine}test_accuracy: {result["accuracy"]:F4}"));
