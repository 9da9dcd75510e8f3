using System.Diagnostics;
using System.Globalization;
using Pipeline.Models;
using Pipeline.Models.Layers;

// The TensorFlow tutorial chapter on classic CNN architectures, on Pipeline.Models: keras.applications' VGG16, ResNet50,
// InceptionV3, DenseNet121, MobileNet, MobileNetV2 and EfficientNetB0 built layer by layer as Keras builds them (their
// parameter counts are Keras's published ones), then a short CIFAR-10 run of a small-input MobileNet trained from scratch.
//   dotnet run -c Release --project samples/ClassicModels
//   dotnet run -c Release --project samples/ClassicModels -- [--summary NAME] [--data DIR | --images-per-class N] [--epochs N] [--batch-size N] [--alpha F]
// --summary prints Keras's full summary table of one architecture (vgg16, resnet50, inceptionv3, densenet121,
// mobilenet, mobilenetv2, efficientnetb0); --data takes a class-per-folder image tree, else the first --images-per-class images of each
// class of ../shared/datasets/cifar10-train-jpeg.tar.gz (default 500).
string? summary = null, data = null;
int perClass = 500, epochs = 5, batchSize = 32;
double alpha = 0.25;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--summary": summary = Next().ToLowerInvariant(); break;
        case "--data": data = Next(); break;
        case "--images-per-class": perClass = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--batch-size": batchSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--alpha": alpha = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"ClassicModels: unknown option '{args[i]}'.");
            Console.Error.WriteLine("usage: ClassicModels [--summary NAME] [--data DIR | --images-per-class N] [--epochs N] [--batch-size N] [--alpha F]");
            return 2;
    }
}

// 1. The architectures, with random weights (weights: null; "imagenet" would download Keras's files), at Keras's
//    default input sizes.
var builders = new (string Name, Func<bool, Model> Build)[]
{
    ("vgg16", top => Applications.VGG16(includeTop: top, weights: null)),
    ("resnet50", top => Applications.ResNet50(includeTop: top, weights: null)),
    ("inceptionv3", top => Applications.InceptionV3(includeTop: top, weights: null)),
    ("densenet121", top => Applications.DenseNet121(includeTop: top, weights: null)),
    ("mobilenet", top => Applications.MobileNet(includeTop: top, weights: null)),
    ("mobilenetv2", top => Applications.MobileNetV2(includeTop: top, weights: null)),
    ("efficientnetb0", top => Applications.EfficientNetB0(includeTop: top, weights: null)),
};
if (summary is not null)
{
    var match = builders.FirstOrDefault(b => b.Name == summary);
    if (match.Build is null) { Console.Error.WriteLine($"ClassicModels: no architecture '{summary}'; one of {string.Join(", ", builders.Select(b => b.Name))}."); return 2; }
    using var one = match.Build(true);
    one.Summary();
    return 0;
}

Console.WriteLine($"{"model",-22} {"input",-14} {"layers",6} {"params (top)",14} {"params (no top)",16} {"features (no top)",18}");
foreach (var (name, build) in builders)
{
    var clock = Stopwatch.StartNew();
    long withTop;
    using (var top = build(true)) withTop = top.CountParams();
    using var model = build(false);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{model.Name,-22} {Shape(model.Inputs[0].Shape),-14} {model.Layers.Count,6} {withTop,14:N0} {model.CountParams(),16:N0} {Shape(model.Outputs[0].Shape),18}   (built in {clock.Elapsed.TotalSeconds:F1}s)"));
}

// 2. A small-input variant trained from scratch: MobileNet with alpha 0.25 on 32x32 CIFAR-10 images, built on our
//    own input tensor (Rescaling to MobileNet's [-1, 1]) through inputTensor, with a 10-class top. (MobileNetV2 at
//    alpha 0.35 trains about five times slower per step on CPU: libtorch's depthwise convolutions dominate.)
string? extracted = null;
if (data is null)
{
    var archive = CifarSubset.SharedArchive();
    if (archive is null) { Console.Error.WriteLine("ClassicModels: no --data DIR and no ../shared/datasets/cifar10-train-jpeg.tar.gz; skipping the CIFAR-10 run."); return 0; }
    data = extracted = CifarSubset.Extract(archive, perClass);
}
Utils.SetRandomSeed(42);
var (train, validation) = Utils.ImageDatasetsFromDirectory(data, validationSplit: 0.2, seed: 42, imageSize: (32, 32), batchSize: batchSize);
Console.WriteLine($"Data: {train.FilePaths.Count} training and {validation.FilePaths.Count} validation images of {train.ClassNames.Count} classes ({data}).");
var inputs = new Input([32, 32, 3]);
var scaled = new Rescaling(1 / 127.5, offset: -1).Apply(inputs);
using var small = Applications.MobileNet(alpha: alpha, weights: null, inputTensor: scaled, classes: train.ClassNames.Count);
small.Summary(line => { if (line.Contains("params", StringComparison.Ordinal)) Console.WriteLine(line); });
small.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
var fitClock = Stopwatch.StartNew();
var history = small.Fit(train, epochs: epochs, validationData: validation);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{small.Name} from scratch, {epochs} epochs in {fitClock.Elapsed.TotalSeconds:F0}s: val_accuracy: {history["val_accuracy"][^1]:F4} (chance: {1.0 / train.ClassNames.Count:F2})"));
if (extracted is not null) Directory.Delete(Path.GetDirectoryName(extracted)!, recursive: true);
return 0;

static string Shape(IReadOnlyList<int> shape) => "(" + string.Join(", ", shape) + ")";
