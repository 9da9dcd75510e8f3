// The TFRecord chapter of the TensorFlow tutorials, in .NET:
// images in class folders -> TFRecord files -> TFRecordDataset + parse -> decode + resize -> a CNN of two conv and two
// dense layers -> 10 epochs, printing "Epoch 1, Loss ..., Acc ..., Test Acc ...".
//
// Usage: dotnet run -c Release --project samples/TFRecordCatsDogs -- [dataDir] [--epochs 10] [--size 64]
// dataDir holds train/<class>/*.jpg and test/<class>/*.jpg; the default is ../shared/fixtures/cats-vs-dogs.
using System.Globalization;
using Pipeline;
using Pipeline.Records;
using TorchSharp;
using static TorchSharp.torch;

string dataDir = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal)))
    .FirstOrDefault() ?? DefaultDataDir();
int epochs = IntOption("--epochs", 10);
int size = IntOption("--size", 64);
int batchSize = 32;

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
        var nchw = pixels.permute(2, 0, 1).unsqueeze(0).to_type(ScalarType.Float32).div_(255f);
        var resized = nn.functional.interpolate(nchw, size: [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
        var image = resized.squeeze(0).permute(1, 2, 0).contiguous();                             // (size, size, 3) float32, channels-last
        var label = features.Take("label");
        return (image.MoveToOuterDisposeScope(), label);
    }

    var trainData = new TFRecordDataset([trainFile]).Map(ParseImage, numParallelCalls: Dataset.Autotune).Shuffle(bufferSize: 256, seed: 42).Batch(batchSize).Prefetch();
    var testData = new TFRecordDataset([testFile]).Map(ParseImage, numParallelCalls: Dataset.Autotune).Batch(batchSize).Prefetch();
    Console.WriteLine($"train: {trainData}");

    // 3. The model: two conv + two dense layers.
    torch.manual_seed(42);
    var model = new CatsDogsCnn(size, classes.Length);
    var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
    var lossFunction = nn.CrossEntropyLoss();

    for (int epoch = 1; epoch <= epochs; epoch++)
    {
        model.train();
        double lossSum = 0;
        long correct = 0, seen = 0;
        foreach (var (images, labels) in trainData)
        {
            using var batch = new BatchOwner(images, labels);
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.forward(images);
            var loss = lossFunction.forward(logits, labels);
            loss.backward();
            optimizer.step();
            lossSum += loss.item<float>() * labels.shape[0];
            correct += logits.argmax(1).eq(labels).sum().item<long>();
            seen += labels.shape[0];
        }
        double testAccuracy = Evaluate(model, testData);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Epoch {epoch}, Loss {lossSum / seen:F4}, Acc {100.0 * correct / seen:F2}, Test Acc {100 * testAccuracy:F2}"));
    }
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

static double Evaluate(CatsDogsCnn model, Dataset<(Tensor, Tensor)> data)
{
    model.eval();
    long correct = 0, seen = 0;
    using var noGrad = torch.no_grad();
    foreach (var (images, labels) in data)
    {
        using var batch = new BatchOwner(images, labels);
        using var scope = torch.NewDisposeScope();
        correct += model.forward(images).argmax(1).eq(labels).sum().item<long>();
        seen += labels.shape[0];
    }
    return (double)correct / seen;
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

/// <summary>Disposes a batch the dataset handed over (we own every element we receive).</summary>
sealed class BatchOwner(Tensor images, Tensor labels) : IDisposable
{
    public void Dispose()
    {
        images.Dispose();
        labels.Dispose();
    }
}

/// <summary>Conv(32) -> pool -> Conv(64) -> pool -> Dense(128) -> Dense(classes), on channels-last images.</summary>
sealed class CatsDogsCnn : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _conv1 = nn.Conv2d(3, 32, 3);
    private readonly nn.Module<Tensor, Tensor> _conv2 = nn.Conv2d(32, 64, 3);
    private readonly nn.Module<Tensor, Tensor> _dense1;
    private readonly nn.Module<Tensor, Tensor> _dense2;

    public CatsDogsCnn(int size, int classes) : base(nameof(CatsDogsCnn))
    {
        int side = ((size - 2) / 2 - 2) / 2;
        _dense1 = nn.Linear(64L * side * side, 128);
        _dense2 = nn.Linear(128, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var x = images.permute(0, 3, 1, 2);                               // NHWC -> NCHW for libtorch
        x = nn.functional.max_pool2d(nn.functional.relu(_conv1.forward(x)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(_conv2.forward(x)), 2);
        x = nn.functional.relu(_dense1.forward(x.flatten(1)));
        return _dense2.forward(x).MoveToOuterDisposeScope();
    }
}
