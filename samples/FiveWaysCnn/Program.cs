// The tutorial's CIFAR-10 CNN built five ways (issue 7 item 7):
//   dotnet run -c Release --project samples/FiveWaysCnn -- --way {manual|module|function|subclass|sequential}
//       [--data DIR] [--test DIR] [--epochs N] [--batch-size N] [--save PATH.keras]
// manual: raw Variables, conv/pool/matmul ops and a GradientTape; module: the same as a Module; function: the module
// with its train step built once (no graph compiler exists on libtorch CPU: see docs/models.md); subclass: a Model
// subclass with Compile/Fit; sequential: a Sequential model. Each ends with "test_accuracy: 0.xxxx" and its wall time.
// --save (subclass and sequential only) writes the trained model, restores it into a fresh object and prints
// "restored test_accuracy:" too. Bad options are refused before any data is read (FiveWaysOptions).
using System.Diagnostics;
using System.Globalization;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Saving;
using TorchSharp;
using static TorchSharp.torch;

FiveWaysOptions options;
try
{
    // Every option is checked before the data is read (with --data that is ~45,000 JPEGs).
    options = FiveWaysOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"FiveWaysCnn: {e.Message}");
    Console.Error.WriteLine(FiveWaysOptions.Usage("FiveWaysCnn", takesWay: true));
    return 2;
}
manual_seed(42);
Pipeline.Models.Utils.SetRandomSeed(42);
var clock = Stopwatch.StartNew();
var (train, validation, test) = FiveWaysData.Load(options);
Console.WriteLine($"way {options.Way}: {train.X.shape[0]} training images, {validation.X.shape[0]} for validation, " +
                  $"{(options.TestDir is null ? "scoring on the validation part" : $"{test.X.shape[0]} test images")}; {options.Epochs} epochs, batch {options.BatchSize}");

double accuracy;
double? restored = null;
switch (options.Way)
{
    case "manual":
    {
        var net = new ManualCnn();
        HandWritten.Train(net, train, options, announceStepFunction: false);
        accuracy = HandWritten.Accuracy(net, test);
        break;
    }
    case "module":
    case "function":
    {
        using var net = new CnnModule();
        // Way 3 builds its step once (see HandWritten.Train); there is no graph compiler to hand it to on libtorch CPU.
        HandWritten.Train(net, train, options, announceStepFunction: options.Way == "function");
        accuracy = HandWritten.Accuracy(net, test);
        break;
    }
    case "subclass":
    {
        using var model = new SubclassedCnn();
        (accuracy, restored) = Keras(model, train, validation, test, options);
        break;
    }
    case "sequential":
    {
        using var model = TutorialSequential();
        (accuracy, restored) = Keras(model, train, validation, test, options);
        break;
    }
    default:
        throw new UnreachableException($"FiveWaysOptions.Parse accepted --way '{options.Way}'.");
}

Console.WriteLine($"test_accuracy: {accuracy.ToString("F4", CultureInfo.InvariantCulture)}");
if (restored is { } r) Console.WriteLine($"restored test_accuracy: {r.ToString("F4", CultureInfo.InvariantCulture)}");
Console.WriteLine($"wall_time: {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)}s");
return 0;

static (double Accuracy, double? Restored) Keras(Model model, (Tensor X, Tensor Y) train, (Tensor X, Tensor Y) validation, (Tensor X, Tensor Y) test, FiveWaysOptions options)
{
    model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
    model.Fit(train.X, train.Y, batchSize: options.BatchSize, epochs: options.Epochs, validationData: validation);
    if (model is Sequential) model.Summary();
    var accuracy = model.Evaluate(test.X, test.Y, verbose: 0)["accuracy"];
    if (options.SavePath is not null)
    {
        // The tutorial's save-and-restore check: a fresh model object from the file scores exactly the same.
        model.Save(options.SavePath);
        using var restored = Models.LoadModel(options.SavePath);
        var restoredAccuracy = restored.Evaluate(test.X, test.Y, verbose: 0)["accuracy"];
        Console.WriteLine($"saved: {options.SavePath}");
        return (accuracy, restoredAccuracy);
    }
    return (accuracy, null);
}

static Sequential TutorialSequential() => TutorialCnn.Build();
