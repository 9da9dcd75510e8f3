# Writes the notebooks' cells (prose and code) as .ipynb files WITHOUT outputs; `./run.sh --save` then executes
# them and stores the outputs of a real run. Edit a notebook here (or in your notebook editor, then mirror it here).
import json, sys, os
out = os.path.dirname(os.path.abspath(__file__))

def code(src): return {"cell_type": "code", "execution_count": None, "metadata": {"dotnet_interactive": {"language": "csharp"}}, "outputs": [], "source": src.strip("\n")}
def md(src): return {"cell_type": "markdown", "metadata": {}, "source": src.strip("\n")}

PACKAGES_MD = """
## Packages

This cell builds the packages of this clone into a local feed (`artifacts/notebook-feed`, about two minutes the
first time, instant afterwards) and references them. **On the public NuGet feed, replace the whole cell with one
line:** `#r "nuget: Pipeline.Models, 0.1.0"` (it brings `Pipeline`, `Pipeline.Records` and `Pipeline.Runtime`).
Referencing the packages also runs their libtorch set-up, so TorchSharp works from the next cell on.
"""
PACKAGES = """
#load "LocalFeed.csx"
await LocalFeed.ReferenceAsync();
"""
SHOW = """
#load "Show.csx"
"""

def notebook(name, cells):
    nb = {"cells": cells,
          "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
                       "language_info": {"name": "csharp"},
                       "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"name": "csharp"}]}}},
          "nbformat": 4, "nbformat_minor": 5}
    with open(os.path.join(out, name), "w") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")

EXTRACT_CIFAR = """
// The first 500 images of each class (5,000 of the 50,000), unpacked to a temporary folder.
using System.Diagnostics;
using System.IO;
var shared = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR") ?? Path.GetFullPath("../../shared");
var archive = Path.Combine(shared, "datasets", "cifar10-train-jpeg.tar.gz");
var cifar = Directory.CreateTempSubdirectory("cifar-notebook-").FullName;
Process.Start("tar", ["-xzf", archive, "-C", cifar, "--wildcards", "train/*/0[0-4]??.jpg"])!.WaitForExit();
var trainDir = Path.Combine(cifar, "train");
var classNames = Directory.GetDirectories(trainDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
Console.WriteLine($"{Directory.GetFiles(trainDir, "*.jpg", SearchOption.AllDirectories).Length} images in {classNames.Length} classes: {string.Join(", ", classNames)}");
"""

# ---------------------------------------------------------------- tf.data
notebook("tf-data.ipynb", [
md("""
# tf.data in C#: building input pipelines

The tutorial's tf.data chapter builds a toy dataset from a NumPy array, transforms it with `map`, `shuffle`,
`repeat`, `batch` and `prefetch`, and then builds a real image pipeline for CIFAR-10 JPEG files. This notebook
does the same with `Pipeline.Dataset`, the .NET counterpart of `tf.data.Dataset`: the same names in .NET casing
(`FromTensorSlices`, `Map`, `Shuffle`, ...), the same semantics (tf.data's shuffle buffer, `Dataset.Autotune`,
each `foreach` is an epoch), and two things TensorFlow doesn't print for you: the pipeline's **plan** and a
**lint** of its ordering.

Runs in under a minute on 2 CPU cores. The image part uses 5,000 of the 50,000 CIFAR-10 training images in
`../shared/datasets` (the sample `samples/DataPipeline` takes all of them).
"""),
md(PACKAGES_MD), code(PACKAGES),
md("""
`Show.csx` (next to this notebook) draws images and training curves inline; it uses only the library's public API.
"""), code(SHOW),
md("""
## A toy dataset

In Python:

```python
x = np.array([[0.1 + i * 0.1 / 9, 0] for i in range(10)]); y = np.array([0] * 5 + [1] * 5)
dataset = (tf.data.Dataset.from_tensor_slices((x, y))
           .map(lambda x, y: (x, tf.one_hot(y, 2)))
           .shuffle(10).repeat(2).batch(4)
           .map(lambda x, y: (x + tf.random.normal(tf.shape(x), stddev=0.01), y))
           .prefetch(1))
```

In C#, the functions given to `Map` are ordinary lambdas over TorchSharp tensors. Printing a dataset shows its
plan, the chain of steps as tf.data would run them, and `Cardinality()` is `dataset.cardinality()`:
"""),
code("""
using Pipeline;
using TorchSharp;
using static TorchSharp.torch;

var features = new float[10, 2];
var labels = new long[10];
for (var i = 0; i < 10; i++)
{
    features[i, 0] = MathF.Round(0.1f + i * 0.1f / 9, 3);
    labels[i] = i < 5 ? 0 : 1;
}

var toy = Dataset.FromTensorSlices(tensor(features), tensor(labels))
    .Map((x, y) => (x, nn.functional.one_hot(y, 2).to(ScalarType.Float32)))   // label -> one-hot
    .Shuffle(bufferSize: 10, seed: 1)                                          // tf.data's shuffle buffer
    .Repeat(2)                                                                  // two epochs
    .Batch(4)                                                                   // 20 samples -> 5 batches
    .Map((x, y) => (x + randn_like(x) * 0.01, y))                              // noise, batch-wise
    .Prefetch(1);

Console.WriteLine($"plan:   {toy}");
Console.WriteLine($"length: {toy.Cardinality()} batches");
"""),
md("""
Iterating is a `foreach`. Each element is a tuple of tensors that you own: dispose them when done (in a training
loop `Fit` does it for you). Five batches come out, the last one short, as in Python:
"""),
code("""
static string Rows(Tensor t) => string.Join(" ", Enumerable.Range(0, (int)t.shape[0])
    .Select(r => "[" + string.Join(", ", t[r].data<float>().ToArray().Select(v => v.ToString("F3"))) + "]"));

foreach (var (x, y) in toy)
{
    Console.WriteLine($"x: {Rows(x)}");
    Console.WriteLine($"y: {Rows(y)}");
    x.Dispose();
    y.Dispose();
}
"""),
md("""
## Lint: the tf.data performance guide as a check

The tf.data guide's advice (shuffle before batch, cache before augmentation, prefetch last, parallel map for
expensive functions, ...) is a set of rules that `Lint()` checks on the plan. The toy pipeline is fine; the same
steps in a careless order are not:
"""),
code("""
Console.WriteLine($"toy: {(toy.Lint().Count == 0 ? "no findings" : string.Join("; ", toy.Lint()))}");

var careless = Dataset.FromTensorSlices(tensor(features), tensor(labels))
    .Prefetch(2)
    .Batch(4)
    .Shuffle(10)
    .Map((x, y) => (x * 2, y))
    .Cache();
Console.WriteLine($"careless: {careless}");
foreach (var finding in careless.Lint()) Console.WriteLine($"  {finding}");
"""),
md("""
## An image pipeline: CIFAR-10 JPEG files

The tutorial's second half reads JPEG files: list the files, decode each one in parallel, cache the decoded
images, then shuffle, batch, augment and prefetch every epoch. `Dataset.ListFiles` is `tf.data.Dataset.list_files`,
`Image.DecodeJpeg` is `tf.io.decode_jpeg`, and `Dataset.Autotune` is `tf.data.AUTOTUNE`.
"""),
code(EXTRACT_CIFAR),
code("""
(Tensor, Tensor) LoadJpeg(string path)
{
    var label = Array.IndexOf(classNames, Path.GetFileName(Path.GetDirectoryName(path)));
    return (Pipeline.Image.DecodeJpeg(File.ReadAllBytes(path), channels: 3), tensor((long)label));
}

// float/255 and a random horizontal flip per image, over the whole batch (channels-last: width is axis 2).
(Tensor, Tensor) Augment(Tensor images, Tensor labels)
{
    var scaled = images.to(ScalarType.Float32).div_(255);
    var flip = rand(images.shape[0]).lt(0.5).view(-1, 1, 1, 1);
    return (where(flip, scaled.flip(2), scaled), labels);
}

var images = Dataset.ListFiles(Path.Combine(trainDir, "*", "*.jpg"), shuffle: false)
    .Map(LoadJpeg, numParallelCalls: Dataset.Autotune)
    .Cache()
    .Shuffle(5_000, seed: 42)
    .Batch(64)
    .Map(Augment, numParallelCalls: Dataset.Autotune)
    .Prefetch(Dataset.Autotune);

Console.WriteLine($"plan: {images}");
Console.WriteLine($"lint: {(images.Lint().Count == 0 ? "no findings" : string.Join("; ", images.Lint()))}");
"""),
md("""
Two epochs. The first decodes the JPEG files and fills the cache; the second reads decoded images from memory,
which is why it is faster. Then the first batch of a third epoch, as pictures with their labels (some are flipped):
"""),
code("""
for (var epoch = 1; epoch <= 2; epoch++)
{
    var watch = Stopwatch.StartNew();
    long count = 0, batches = 0;
    foreach (var (x, y) in images)
    {
        count += x.shape[0];
        batches++;
        x.Dispose();
        y.Dispose();
    }
    Console.WriteLine($"epoch {epoch}: {batches} batches, {count} images in {watch.Elapsed.TotalSeconds:F2} s ({count / watch.Elapsed.TotalSeconds:N0} images/s)");
}

var (firstImages, firstLabels) = images.First();
Show.Images(firstImages, firstLabels.data<long>().ToArray().Select(l => classNames[l]).ToList(), count: 10);
firstImages.Dispose();
firstLabels.Dispose();
"""),
md("""
Clean-up of the temporary folder. Next: the TFRecord notebook (`tfrecord.ipynb`) stores such images in
TensorFlow's record files; `cifar10-cnn.ipynb` trains the tutorial's CNN on them.
"""),
code("""
Directory.Delete(cifar, recursive: true);
"""),
])

# ---------------------------------------------------------------- TFRecord
notebook("tfrecord.ipynb", [
md("""
# TFRecord and tf.train.Example in C#

The tutorial's TFRecord chapter turns a folder of cat and dog photos into TFRecord files of `tf.train.Example`
messages, reads them back with `tf.data.TFRecordDataset`, parses each record with `tf.io.parse_single_example`,
and trains a small CNN on the result. `Pipeline.Records` writes and reads the same bytes TensorFlow does (files
written here load in Python and the other way round), and its records plug into `Pipeline.Dataset`.

Data: the 240 photos in `../shared/fixtures/cats-vs-dogs` (200 to train, 40 to test). The sample
`samples/TFRecordCatsDogs` trains 10 epochs at 64x64; this notebook trains 5 to stay within a minute on 2 cores.
With 200 photos and 5 epochs the model only starts to learn (the training loss falls; test accuracy stays near
chance): the point here is the file format and the pipeline, not the classifier.
"""),
md(PACKAGES_MD), code(PACKAGES), code(SHOW),
md("""
## Writing: one `Example` per image

The tutorial's `image_example()` stores height, width, depth, label and the encoded JPEG bytes;
`Example.FromImage` builds exactly that message. `TFRecordWriter` is `tf.io.TFRecordWriter`: the file appears
complete when the `using` block ends.
"""),
code("""
using System.IO;
using Pipeline;
using Pipeline.Records;
using TorchSharp;
using static TorchSharp.torch;

var shared = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR") ?? Path.GetFullPath("../../shared");
var dataDir = Path.Combine(shared, "fixtures", "cats-vs-dogs");
var classes = Directory.GetDirectories(Path.Combine(dataDir, "train")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
var work = Directory.CreateTempSubdirectory("tfrecord-notebook-").FullName;

long WriteRecords(string split, string file)
{
    using var writer = new TFRecordWriter(file);
    for (int label = 0; label < classes.Length; label++)
        foreach (var image in Directory.GetFiles(Path.Combine(dataDir, split, classes[label])).Order(StringComparer.Ordinal))
            writer.Write(Example.FromImage(File.ReadAllBytes(image), label));
    return writer.RecordsWritten;
}

var trainFile = Path.Combine(work, "train.tfrecord");
var testFile = Path.Combine(work, "test.tfrecord");
Console.WriteLine($"classes: {string.Join(", ", classes.Select((c, i) => $"{i}={c}"))}");
Console.WriteLine($"Wrote {WriteRecords("train", trainFile)} training and {WriteRecords("test", testFile)} test examples " +
                  $"({new FileInfo(trainFile).Length / 1024:N0} KiB + {new FileInfo(testFile).Length / 1024:N0} KiB)");
"""),
md("""
## Reading: records, then features

`TFRecordDataset` yields each record's bytes (`tf.data.TFRecordDataset`). A feature description maps names to
`FixedLenFeature`s as in Python, and `ExampleParser.ParseSingleExample` returns the parsed tensors. The first
record:
"""),
code("""
var description = new Dictionary<string, FeatureSpec>
{
    ["height"] = new FixedLenFeature([], FeatureType.Int64),
    ["width"] = new FixedLenFeature([], FeatureType.Int64),
    ["depth"] = new FixedLenFeature([], FeatureType.Int64),
    ["label"] = new FixedLenFeature([], FeatureType.Int64),
    ["image_raw"] = new FixedLenFeature([], FeatureType.String),
};

var first = new TFRecordDataset([trainFile]).First();
using (var parsed = ExampleParser.ParseSingleExample(first, description))
{
    Console.WriteLine($"record: {first.Length:N0} bytes; height {parsed["height"].item<long>()}, width {parsed["width"].item<long>()}, " +
                      $"depth {parsed["depth"].item<long>()}, label {parsed["label"].item<long>()} ({classes[parsed["label"].item<long>()]}), " +
                      $"image_raw {parsed.Bytes("image_raw").Length:N0} bytes of JPEG");
    using var pixels = Pipeline.Image.DecodeJpeg(parsed.Bytes("image_raw"), channels: 3);
    Show.Images(pixels.unsqueeze(0), [classes[parsed["label"].item<long>()]], width: 160);
}
"""),
md("""
## The input pipeline

Parse, decode, resize to 64x64 and scale to [0, 1] in a parallel `Map`, then shuffle, batch and prefetch, the
tutorial's pipeline. Images are channels-last (batch, height, width, channels), as in Keras.
"""),
code("""
const int ImageSize = 64;

(Tensor, Tensor) ParseImage(byte[] record)
{
    using var features = ExampleParser.ParseSingleExample(record, description);
    using var scope = NewDisposeScope();
    var pixels = Pipeline.Image.DecodeJpeg(features.Bytes("image_raw"), channels: 3);             // (H, W, 3) uint8
    var nchw = pixels.permute(2, 0, 1).unsqueeze(0).to_type(ScalarType.Float32).div_(255f);
    var resized = nn.functional.interpolate(nchw, size: [ImageSize, ImageSize], mode: InterpolationMode.Bilinear, align_corners: false);
    var image = resized.squeeze(0).permute(1, 2, 0).contiguous();                                  // (64, 64, 3) float32
    return (image.MoveToOuterDisposeScope(), features.Take("label"));
}

var trainData = new TFRecordDataset([trainFile]).Map(ParseImage, numParallelCalls: Dataset.Autotune)
    .Shuffle(bufferSize: 256, seed: 42).Batch(32).Prefetch();
var testData = new TFRecordDataset([testFile]).Map(ParseImage, numParallelCalls: Dataset.Autotune).Batch(32).Prefetch();
Console.WriteLine($"train: {trainData}");

var (batchImages, batchLabels) = trainData.First();
Show.Images(batchImages, batchLabels.data<long>().ToArray().Select(l => classes[l]).ToList(), count: 8, width: 80);
batchImages.Dispose();
batchLabels.Dispose();
"""),
md("""
## The model and training

Two convolution blocks and two dense layers, as in the tutorial, with `Pipeline.Models` (Keras's `Sequential`).
`Summary()` prints Keras's table. The loop trains one epoch at a time so that each line also shows the test
accuracy, like the tutorial's custom loop.
"""),
code("""
using Pipeline.Models;
using Pipeline.Models.Layers;

Pipeline.Models.Utils.SetRandomSeed(42);
var model = new Sequential(
[
    new Input([ImageSize, ImageSize, 3]),
    new Conv2D(32, 3, activation: "relu"),
    new MaxPooling2D(2),
    new Conv2D(64, 3, activation: "relu"),
    new MaxPooling2D(2),
    new Flatten(),
    new Dense(128, activation: "relu"),
    new Dense(classes.Length, activation: "softmax"),
]);
model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
model.Summary();
"""),
code("""
var curves = new Dictionary<string, List<double>> { ["loss"] = [], ["accuracy"] = [], ["test_loss"] = [], ["test_accuracy"] = [] };
for (int epoch = 1; epoch <= 5; epoch++)
{
    var history = model.Fit(trainData, epochs: 1, verbose: 0);
    var test = model.Evaluate(testData, verbose: 0);
    curves["loss"].Add(history["loss"][0]);
    curves["accuracy"].Add(history["accuracy"][0]);
    curves["test_loss"].Add(test["loss"]);
    curves["test_accuracy"].Add(test["accuracy"]);
    Console.WriteLine($"Epoch {epoch}, Loss {history["loss"][0]:F4}, Acc {100 * history["accuracy"][0]:F2}, Test Acc {100 * test["accuracy"]:F2}");
}
"""),
md("""
The curves of the per-epoch values collected above:
"""),
code("""
Show.Curves(curves.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value));
Directory.Delete(work, recursive: true);
"""),
])

# ---------------------------------------------------------------- CIFAR-10 CNN
notebook("cifar10-cnn.ipynb", [
md("""
# The CIFAR-10 CNN

TensorFlow's "Convolutional Neural Network (CNN)" tutorial trains a small Keras `Sequential` CNN on CIFAR-10:
three convolution layers with max pooling, then two dense layers, Adam, 10 epochs, about 70% test accuracy.
This notebook builds the same model with `Pipeline.Models`, loads the JPEG images with
`Utils.ImageDatasetFromDirectory` (`tf.keras.utils.image_dataset_from_directory`) and trains it.

To run in a few minutes on 2 CPU cores it uses 5,000 of the 50,000 training images (500 per class, 20% of them
held out for validation) and 8 epochs, so expect lower accuracy than the tutorial's (around 40-50% rather than
70%); `samples/QuickStart -- --data <cifar folder>` trains on all of them.
"""),
md(PACKAGES_MD), code(PACKAGES), code(SHOW),
md("""
## The data

CIFAR-10's training images as JPEG files, one folder per class (`../shared/datasets/cifar10-train-jpeg.tar.gz`).
"""),
code(EXTRACT_CIFAR),
md("""
`ImageDatasetFromDirectory` labels images by folder (alphabetical order), splits off a validation subset with a
seed, decodes, resizes and batches: the Keras utility's arguments, in camelCase. The tutorial divides pixels by
255; so does a `Map` here.
"""),
code("""
using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

var train = Pipeline.Models.Utils.ImageDatasetFromDirectory(trainDir, imageSize: (32, 32), batchSize: 64,
    validationSplit: 0.2, subset: "training", seed: 42);
var validation = Pipeline.Models.Utils.ImageDatasetFromDirectory(trainDir, imageSize: (32, 32), batchSize: 64,
    validationSplit: 0.2, subset: "validation", seed: 42);
Console.WriteLine($"training: {train.FilePaths.Count} images, validation: {validation.FilePaths.Count} images, classes: {string.Join(", ", train.ClassNames)}");

(Tensor, Tensor) Normalize(Tensor images, Tensor labels) => (images.div_(255), labels);
var trainData = train.Map(Normalize).Prefetch(2);
var validationData = validation.Map(Normalize);

var (sample, sampleLabels) = trainData.First();
Show.Images(sample, sampleLabels.data<long>().ToArray().Select(l => train.ClassNames[(int)l]).ToList(), count: 10, width: 64);
sample.Dispose();
sampleLabels.Dispose();
"""),
md("""
## The model

The tutorial's layers one for one: `Conv2D(32, (3, 3), activation='relu', input_shape=(32, 32, 3))`,
`MaxPooling2D((2, 2))`, `Conv2D(64, ...)`, `MaxPooling2D`, `Conv2D(64, ...)`, `Flatten()`, `Dense(64, 'relu')`,
`Dense(10)`. The summary's parameter count is the tutorial's, 122,570.
"""),
code("""
Pipeline.Models.Utils.SetRandomSeed(42);
var model = new Sequential(
[
    new Input([32, 32, 3]),
    new Conv2D(32, 3, activation: "relu"),
    new MaxPooling2D(2),
    new Conv2D(64, 3, activation: "relu"),
    new MaxPooling2D(2),
    new Conv2D(64, 3, activation: "relu"),
    new Flatten(),
    new Dense(64, activation: "relu"),
    new Dense(10, activation: "softmax"),
]);
model.Summary();
"""),
md("""
## Training

`Compile` and `Fit` as in Keras. `Fit` prints Keras's progress bar, one line per epoch here, and returns the
`History` whose curves follow.
"""),
code("""
model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
var watch = Stopwatch.StartNew();
var history = model.Fit(trainData, epochs: 8, validationData: validationData, verbose: 2);
Console.WriteLine($"{watch.Elapsed.TotalSeconds:F0} s for 8 epochs");
Show.Curves(history);
"""),
md("""
## Evaluation and predictions

`Evaluate` on the held-out images, then the predicted classes of a few of them (caption: predicted / true).
"""),
code("""
var result = model.Evaluate(validationData, verbose: 0);
Console.WriteLine($"validation accuracy: {100 * result["accuracy"]:F1}% (chance: 10%)");

var (images, truth) = validationData.First();
var predicted = model.Predict(images, verbose: 0);
var captions = Enumerable.Range(0, 10).Select(i =>
{
    var p = Enumerable.Range(0, 10).MaxBy(c => predicted.GetSingle(i, c));
    return $"{validation.ClassNames[p]} / {validation.ClassNames[(int)truth[i].item<long>()]}";
}).ToList();
Show.Images(images, captions, count: 10, width: 64);
images.Dispose();
truth.Dispose();
model.Dispose();
Directory.Delete(cifar, recursive: true);
"""),
])
