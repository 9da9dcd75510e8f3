using System.Diagnostics;
using Google.Protobuf;
using Pipeline.Records;
using Pipeline;
using TorchSharp;
using static TorchSharp.torch;

// The tutorial's tf.data chapter, in C#: first a 10-sample toy dataset through map / shuffle / repeat / batch / map /
// prefetch; then Cache, Interleave over TFRecord shards, FromGenerator, TextLineDataset and the lint's ordering advice
// (before / after); then a CIFAR-10 input pipeline with its plan and lint.
//   dotnet run --project samples/DataPipeline                   # toy dataset + a generated in-memory image set
//   dotnet run --project samples/DataPipeline -- /tmp/cifar/train [--epochs 2]
//                                                               # toy dataset + the CIFAR-10 JPEG folders

var folder = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] != "--epochs")).FirstOrDefault();
var epochs = args.SkipWhile(a => a != "--epochs").Skip(1).Select(int.Parse).FirstOrDefault(2);

ToyDataset();
MoreSources();
if (folder is null) InMemoryImages(epochs);
else CifarFolder(folder, epochs);
return 0;

static void ToyDataset()
{
    Console.WriteLine("== Part 1: the toy dataset ==");
    // Ten samples with two features, [0.1, 0], [0.2, 0], ..., [1.0, 0], and a binary label (0 for the first five).
    var features = new float[10, 2];
    var labels = new long[10];
    for (var i = 0; i < 10; i++)
    {
        features[i, 0] = (i + 1) / 10f;
        labels[i] = i < 5 ? 0 : 1;
    }
    using var x = torch.tensor(features);
    using var y = torch.tensor(labels);

    var dataset = Dataset.FromTensorSlices(x, y)
        .Map(OneHot)                        // label -> one-hot vector
        .Shuffle(bufferSize: 10, seed: 1)   // shuffle the 10 samples...
        .Repeat(2)                          // ...in each of 2 epochs
        .Batch(4)                           // 20 samples -> 5 batches (the last one has 4)
        .Map(AddNoise)                      // random noise on the features, batch-wise
        .Prefetch(1);

    Console.WriteLine($"plan:   {dataset}");
    Console.WriteLine($"lint:   {(dataset.Lint().Count == 0 ? "no findings" : string.Join("; ", dataset.Lint()))}");
    Console.WriteLine($"length: {dataset.Cardinality()} batches");
    Console.WriteLine();
    foreach (var (features4, labels4) in dataset)
    {
        Console.WriteLine($"x: {features4.ToTFString()}");
        Console.WriteLine($"y: {labels4.ToTFString()}");
        Console.WriteLine();
        features4.Dispose();
        labels4.Dispose();
    }

    static (Tensor, Tensor) OneHot(Tensor x, Tensor y) => (x, torch.nn.functional.one_hot(y, 2).to(ScalarType.Float32));

    static (Tensor, Tensor) AddNoise(Tensor x, Tensor y) => (x + torch.randn_like(x) * 0.01, y);
}

static void MoreSources()
{
    Console.WriteLine("== Part 1b: Cache, Interleave over TFRecord shards, FromGenerator, TextLineDataset ==");
    var dir = Directory.CreateTempSubdirectory("datapipeline-").FullName;
    try
    {
        // Three TFRecord shards of four Examples each, read four files at a time, one record from each in turn.
        for (var shard = 0; shard < 3; shard++)
            TFRecordWriter.WriteAll(Path.Combine(dir, $"train-{shard:D5}-of-00003.tfrecord"),
                Enumerable.Range(0, 4).Select(i => Example.FromFeatures(("value", Feature.Float(shard * 10 + i)), ("label", Feature.Int64(i % 2))).ToByteArray()));
        var spec = new Dictionary<string, FeatureSpec>
        {
            ["value"] = new FixedLenFeature([], FeatureType.Float32),
            ["label"] = new FixedLenFeature([], FeatureType.Int64),
        };
        var records = Dataset.ListFiles(Path.Combine(dir, "*.tfrecord"), shuffle: false)
            .Interleave(file => new TFRecordDataset(file), cycleLength: 3)
            .Map(r => ExampleParser.ParseSingleExample(r, spec))
            .Cache()                               // parse once; later epochs replay the parsed features
            .Batch(6);                             // parsed Examples batch like TF's parsed dicts
        foreach (var batch in records)
            using (batch) Console.WriteLine($"interleaved shards: value={batch["value"].ToNumPyString()} label={batch["label"].ToNumPyString()}");

        // A generator: any C# iterator; called again for each epoch.
        static IEnumerable<(long, float)> Squares() { for (long i = 0; i < 4; i++) yield return (i, i * i); }
        var (n, sq) = Dataset.FromGenerator(Squares).Batch(4).First();
        using (n) using (sq) Console.WriteLine($"FromGenerator: {n.ToNumPyString()} -> {sq.ToNumPyString()}");

        var text = Path.Combine(dir, "lines.txt");
        File.WriteAllLines(text, ["id,score", "1,0.5", "2,0.75"]);
        Console.WriteLine($"TextLineDataset: {string.Join(" | ", Dataset.TextLineDataset(text, skipHeaderLines: 1))}");
    }
    finally
    {
        Directory.Delete(dir, recursive: true);
    }

    // The ordering advice: the same steps in a poor order, then as the tf.data guide orders them.
    using var x = torch.rand(100, 2);
    var poor = Dataset.FromTensorSlices(x).Map(t => t + torch.randn_like(t) * 0.01).Cache().Batch(10).Shuffle(10).Prefetch(2).Map(t => t * 2);
    Console.WriteLine($"before: {poor}");
    foreach (var finding in poor.Lint()) Console.WriteLine($"  {finding}");
    var good = Dataset.FromTensorSlices(x).Cache().Shuffle(100).Batch(10).Map(t => t + torch.randn_like(t) * 0.01).Map(t => t * 2).Prefetch(Dataset.Autotune);
    Console.WriteLine($"after:  {good}");
    Console.WriteLine($"  {(good.Lint().Count == 0 ? "no findings" : string.Join("; ", good.Lint()))}");
    Console.WriteLine();
}

static void InMemoryImages(int epochs)
{
    Console.WriteLine("== Part 2: an image pipeline (no folder given: 10,000 generated 32x32 RGB images in memory) ==");
    // Each class is a colour; images are that colour plus noise, so the set is cheap to make and deterministic.
    using var generator = new torch.Generator(42);
    using var labels = torch.arange(10_000, dtype: ScalarType.Int64).remainder(10);
    using var colours = torch.rand([10, 1, 1, 3], generator: generator) * 200;
    using var noise = torch.rand([10_000, 32, 32, 3], generator: generator) * 55;
    using var images = (colours.index_select(0, labels) + noise).to(ScalarType.Byte);

    var dataset = Dataset.FromTensorSlices(images, labels)
        .Shuffle(10_000, seed: 42)
        .Batch(64)
        .Map(Augment, numParallelCalls: Dataset.Autotune)
        .Prefetch(Dataset.Autotune);
    Run(dataset, epochs);
}

static void CifarFolder(string folder, int epochs)
{
    Console.WriteLine($"== Part 2: the CIFAR-10 pipeline on {folder} ==");
    var classes = Directory.GetDirectories(folder).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray();
    if (classes.Length == 0) throw new DirectoryNotFoundException($"'{folder}' has no class folders (expected e.g. airplane/, automobile/, ...).");
    Console.WriteLine($"classes: {string.Join(", ", classes)}");

    (Tensor, Tensor) LoadJpeg(string path)
    {
        var label = Array.IndexOf(classes, Path.GetFileName(Path.GetDirectoryName(path)));
        return (Image.DecodeJpeg(File.ReadAllBytes(path), channels: 3), torch.tensor((long)label));
    }

    // Decode once (in parallel), cache the decoded images, then shuffle, batch and augment every epoch.
    var dataset = Dataset.ListFiles(Path.Combine(folder, "*", "*.jpg"), shuffle: false)
        .Map(LoadJpeg, numParallelCalls: Dataset.Autotune)
        .Cache()
        .Shuffle(50_000, seed: 42)
        .Batch(64)
        .Map(Augment, numParallelCalls: Dataset.Autotune)
        .Prefetch(Dataset.Autotune);

    // The same steps in a poor order, to show what the lint reports.
    var poor = Dataset.ListFiles(Path.Combine(folder, "*", "*.jpg"))
        .Map(LoadJpeg, numParallelCalls: 4)
        .Prefetch(2)
        .Batch(64)
        .Shuffle(100)
        .Map(Augment)
        .Cache();
    Console.WriteLine();
    Console.WriteLine($"a poor ordering: {poor}");
    foreach (var finding in poor.Lint()) Console.WriteLine($"  {finding}");
    Console.WriteLine();
    Run(dataset, epochs);
}

static void Run(Dataset<(Tensor, Tensor)> dataset, int epochs)
{
    Console.WriteLine($"plan: {dataset}");
    var findings = dataset.Lint();
    Console.WriteLine(findings.Count == 0 ? "lint: no findings" : "lint:\n  " + string.Join("\n  ", findings));
    for (var epoch = 1; epoch <= epochs; epoch++)
    {
        var watch = Stopwatch.StartNew();
        long images = 0, batches = 0;
        double brightness = 0;
        foreach (var (x, y) in dataset)
        {
            images += x.shape[0];
            batches++;
            if (batches == 1) brightness = x.mean().item<float>();
            x.Dispose();
            y.Dispose();
        }
        Console.WriteLine($"epoch {epoch}/{epochs}: {batches} batches, {images} images in {watch.Elapsed.TotalSeconds:F2} s " +
                          $"({images / watch.Elapsed.TotalSeconds:N0} images/s); first batch mean pixel {brightness:F3}");
    }
}

// float/255 and a random horizontal flip per image, vectorized over the batch (channels-last: width is axis 2).
static (Tensor, Tensor) Augment(Tensor images, Tensor labels)
{
    var scaled = images.to(ScalarType.Float32).div_(255);
    var flip = torch.rand(images.shape[0]).lt(0.5).view(-1, 1, 1, 1);
    return (torch.where(flip, scaled.flip(2), scaled), labels);
}
