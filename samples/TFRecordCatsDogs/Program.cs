// The TFRecord chapter of the TensorFlow tutorials, in .NET:
// images in class folders -> TFRecord files -> TFRecordDataset + parse -> decode + resize -> a CNN of two conv and two
// dense layers -> 10 epochs, printing "Epoch 1, Loss ..., Acc ..., Test Acc ...".
//
// Usage: dotnet run -c Release --project samples/TFRecordCatsDogs -- [dataDir] [--epochs 10] [--size 64] [--logdir logs]
// dataDir holds train/<class>/*.jpg and test/<class>/*.jpg; the default is ../shared/fixtures/cats-vs-dogs.
// With --logdir, per-epoch loss and accuracy go to TensorBoard event files in <logdir>/train and <logdir>/validation.
using System.Globalization;
using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Records;
using TorchSharp;
using static TorchSharp.torch;

string dataDir = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal)))
    .FirstOrDefault() ?? DefaultDataDir();
int epochs = IntOption("--epochs", 10);
int size = IntOption("--size", 64);
int batchSize = 32;
string? logDir = StringOption("--logdir");

var classes = Directory.GetDirectories(Path.Combine(dataDir, "train")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray();
if (classes.Length < 2) throw new DirectoryNotFoundException($"Expected class folders under {Path.Combine(dataDir, "train")}, found {classes.Length}.");
Console.WriteLine($"Classes: {string.Join(", ", classes.Select((c, i) => $"{i}={c}"))}");

var work = Directory.CreateTempSubdirectory("tfrecord-cats-dogs-");
try
{
    // 1. Write: one tf.train.Example per image, as the tutorial's image_example(): height, width, depth, label, image_raw.
    string trainFile = Path.Combine(work.FullName, "train.tfrecord");
    string testFile = Path.Combine(work.FullName, "test.tfrecord");
    Console.WriteLine($"Wrote {WriteRecords(Path.Combine(dataDir, "train"), trainFile)} training and {WriteRecords(Path.Combine(dataDir, "test"), testFile)} test examples to {work.FullName}");

    // 2. Read and parse: tf.io.parse_single_example with the tutorial's feature description.
    var description = new Dictionary<string, FeatureSpec>
    {
        ["height"] = new FixedLenFeature([], FeatureType.Int64),
        ["width"] = new FixedLenFeature([], FeatureType.Int64),
        ["depth"] = new FixedLenFeature([], FeatureType.Int64),
        ["label"] = new FixedLenFeature([], FeatureType.Int64),
        ["image_raw"] = new FixedLenFeature([], FeatureType.String),
    };

    (Tensor Image, Tensor Label) ParseImage(byte[] record)
    {
        using var features = ExampleParser.ParseSingleExample(record, description);
        using var scope = torch.NewDisposeScope();
        var pixels = Pipeline.Image.DecodeJpeg(features.Bytes("image_raw"), channels: 3);        // (H, W, 3) uint8
        var image = Pipeline.Image.Resize(pixels, size, size).div_(255f);                          // (size, size, 3) float32, tf.image.resize
        var label = features.Take("label");
        return (image.MoveToOuterDisposeScope(), label);
    }

    var trainData = new TFRecordDataset([trainFile]).Map(ParseImage, numParallelCalls: Dataset.Autotune).Shuffle(bufferSize: 256, seed: 42).Batch(batchSize).Prefetch();
    var testData = new TFRecordDataset([testFile]).Map(ParseImage, numParallelCalls: Dataset.Autotune).Batch(batchSize).Prefetch();
    Console.WriteLine($"train: {trainData}");

    // 3. The model: two conv + two dense layers (Keras Sequential from Pipeline.Models).
    Pipeline.Models.Utils.SetRandomSeed(42);
    using var model = new Sequential(
    [
        new Input([size, size, 3]),
        new Conv2D(32, 3, activation: "relu"),
        new MaxPooling2D(2),
        new Conv2D(64, 3, activation: "relu"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dense(128, activation: "relu"),
        new Dense(classes.Length, activation: "softmax"),
    ]);
    model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);

    // 4. Train, one epoch at a time so each line shows the test accuracy too, like the tutorial's loop.
    using var trainLog = logDir is null ? null : new EventFileWriter(Path.Combine(logDir, "train"));
    using var testLog = logDir is null ? null : new EventFileWriter(Path.Combine(logDir, "validation"));
    for (int epoch = 1; epoch <= epochs; epoch++)
    {
        var history = model.Fit(trainData, epochs: 1, verbose: 0);
        var test = model.Evaluate(testData, verbose: 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Epoch {epoch}, Loss {history["loss"][0]:F4}, Acc {100 * history["accuracy"][0]:F2}, Test Acc {100 * test["accuracy"]:F2}"));
        trainLog?.AddScalar("epoch_loss", history["loss"][0], epoch - 1);
        trainLog?.AddScalar("epoch_accuracy", history["accuracy"][0], epoch - 1);
        testLog?.AddScalar("epoch_loss", test["loss"], epoch - 1);
        testLog?.AddScalar("epoch_accuracy", test["accuracy"], epoch - 1);
        trainLog?.Flush();
        testLog?.Flush();
    }
    if (logDir is not null) Console.WriteLine($"TensorBoard logs: {trainLog!.FilePath}, {testLog!.FilePath}");
}
finally
{
    work.Delete(recursive: true);
}
return 0;

int WriteRecords(string splitDir, string file)
{
    using var writer = new TFRecordWriter(file);
    for (int label = 0; label < classes.Length; label++)
        foreach (var image in Directory.GetFiles(Path.Combine(splitDir, classes[label])).Order(StringComparer.Ordinal))
            writer.Write(Example.FromImage(File.ReadAllBytes(image), label));
    writer.Close();
    return (int)writer.RecordsWritten;
}

string? StringOption(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int IntOption(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

static string DefaultDataDir()
{
    var env = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR");
    if (!string.IsNullOrEmpty(env)) return Path.Combine(env, "fixtures", "cats-vs-dogs");
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            for (var up = dir.Parent; up is not null; up = up.Parent)
                if (Directory.Exists(Path.Combine(up.FullName, "shared", "fixtures", "cats-vs-dogs")))
                    return Path.Combine(up.FullName, "shared", "fixtures", "cats-vs-dogs");
    return Path.Combine("..", "shared", "fixtures", "cats-vs-dogs");
}
