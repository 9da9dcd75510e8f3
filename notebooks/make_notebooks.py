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

# ---------------------------------------------------------------- the CNN five ways
notebook("five-ways-cnn.ipynb", [
md("""
# The CIFAR-10 CNN five ways, with save and restore

The tutorial's "five ways" chapter builds one network (conv 32 → max-pool → conv 64 → max-pool → flatten →
dense 256 → dense 10, 1,070,794 parameters) five times, from the lowest level of TensorFlow 2 to the highest:

1. raw `tf.Variable`s, conv/pool/matmul ops and a `tf.GradientTape` loop;
2. the same variables owned by a `tf.Module`;
3. the module with its train step wrapped in `tf.function`;
4. a subclassed `tf.keras.Model` trained with `compile`/`fit`;
5. a `tf.keras.Sequential` model, which the chapter then saves and restores.

This notebook does the same with `Pipeline.Models`: `Variable`, `GradientTape`, `Module`,
`Optimizer.ApplyGradients`, `Model`, `Sequential`, `Model.Save` and `Models.LoadModel`.

**Shortened** so that it runs in a few minutes on 2 CPU cores: 5,000 of the 50,000 CIFAR-10 training images
(4,000 to train, 1,000 to score) and **one epoch per way**, so every way ends around 35-40% accuracy (chance: 10%)
instead of the tutorial's ~70% after several epochs on all images. `samples/FiveWaysCnn -- --way <way> --data
<cifar folder> --epochs N` runs any one way at full size.
"""),
md(PACKAGES_MD), code(PACKAGES),
md("""
## The data

CIFAR-10's training images as JPEG files, one folder per class (`../shared/datasets/cifar10-train-jpeg.tar.gz`);
the first 500 of each class are unpacked. They are small enough to hold in memory as two tensors, like the
tutorial's `cifar10.load_data()` arrays: images (N, 32, 32, 3) scaled to [0, 1] (channels-last, as Keras) and
integer labels. A seeded permutation splits off 1,000 images to score the five ways on.
"""),
code("""
using System.Diagnostics;
using System.IO;
using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Initializers;
using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

var shared = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR") ?? Path.GetFullPath("../../shared");
var cifar = Directory.CreateTempSubdirectory("five-ways-notebook-").FullName;
Process.Start("tar", ["-xzf", Path.Combine(shared, "datasets", "cifar10-train-jpeg.tar.gz"), "-C", cifar, "--wildcards", "train/*/0[0-4]??.jpg"])!.WaitForExit();

var folder = Pipeline.Models.Utils.ImageDatasetFromDirectory(Path.Combine(cifar, "train"), imageSize: (32, 32), batchSize: 256, shuffle: false);
var xs = new List<Tensor>();
var ys = new List<Tensor>();
foreach (var (images, labels) in folder)
{
    xs.Add(images.to_type(ScalarType.Float32).div_(255.0));
    ys.Add(labels.to_type(ScalarType.Int64));
}
var allX = cat(xs, 0);
var allY = cat(ys, 0);
var order = randperm(allX.shape[0], generator: new torch.Generator(42));
var (xTrain, yTrain) = (allX.index_select(0, order.narrow(0, 1000, allX.shape[0] - 1000)), allY.index_select(0, order.narrow(0, 1000, allX.shape[0] - 1000)));
var (xTest, yTest) = (allX.index_select(0, order.narrow(0, 0, 1000)), allY.index_select(0, order.narrow(0, 0, 1000)));
Console.WriteLine($"training: {xTrain.shape[0]} images {string.Join("x", xTrain.shape)}, test: {xTest.shape[0]} images; classes: {string.Join(", ", folder.ClassNames)}");
"""),
md("""
## Way 1: variables, ops and a GradientTape

In Python the weights are `tf.Variable`s, the forward pass is `tf.nn.conv2d`, `tf.nn.max_pool2d` and `tf.matmul`,
and each step records the forward pass on a tape:

```python
w1 = tf.Variable(tf.initializers.GlorotUniform()((3, 3, 3, 32))); b1 = tf.Variable(tf.zeros(32))
...
with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits(x)))
grads = tape.gradient(loss, variables)
optimizer.apply_gradients(zip(grads, variables))
```

`Variable` keeps Keras's layouts (convolution kernels (kh, kw, in, out), dense kernels (in, out)), so the ops
below permute kernels into libtorch's order; `GradientTape.Gradient` and `Adam.ApplyGradients` are TensorFlow's.
The helpers live in a static class so that the module of way 2 can use them too.
"""),
code("""
static class Cnn
{
    public static Variable Glorot(long[] shape, string name) { using var value = new GlorotUniform().Call(shape); return new Variable(value, name: name); }
    public static Variable Zeros(long size, string name) { using var value = torch.zeros(size); return new Variable(value, name: name); }

    /// conv 3x3 same + relu, max-pool 2, twice; flatten in channels-last order (as Keras); dense 256 relu; dense 10 (logits).
    public static Tensor Logits(Tensor images, IReadOnlyList<Variable> w)
    {
        var x = images.permute(0, 3, 1, 2);
        x = nn.functional.relu(nn.functional.conv2d(x, w[0].Value.permute(3, 2, 0, 1), w[1].Value, padding: [1, 1]));
        x = nn.functional.max_pool2d(x, [2, 2], [2, 2]);
        x = nn.functional.relu(nn.functional.conv2d(x, w[2].Value.permute(3, 2, 0, 1), w[3].Value, padding: [1, 1]));
        x = nn.functional.max_pool2d(x, [2, 2], [2, 2]);
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1);
        x = nn.functional.relu(x.matmul(w[4].Value).add(w[5].Value));
        return x.matmul(w[6].Value).add(w[7].Value);
    }

    public static long CountParams(IEnumerable<Variable> variables) => variables.Sum(v => v.Shape.Aggregate(1L, (a, b) => a * b));
}

manual_seed(42);
Variable[] weights =
[
    Cnn.Glorot([3, 3, 3, 32], "w1"), Cnn.Zeros(32, "b1"),
    Cnn.Glorot([3, 3, 32, 64], "w2"), Cnn.Zeros(64, "b2"),
    Cnn.Glorot([4096, 256], "w3"), Cnn.Zeros(256, "b3"),
    Cnn.Glorot([256, 10], "w4"), Cnn.Zeros(10, "b4"),
];
Console.WriteLine($"way 1: {weights.Length} variables, {Cnn.CountParams(weights):N0} parameters");
"""),
md("""
The loop shared by ways 1-3: one epoch of shuffled batches of 64, a progress line every 10 steps in the
tutorial's format, and the accuracy on the 1,000 held-out images.
"""),
code("""
var accuracies = new Dictionary<string, double>();

void TrainOneEpoch(Func<Tensor, Tensor, Tensor> trainStep)
{
    var clock = Stopwatch.StartNew();
    using var shuffled = randperm(xTrain.shape[0]);
    int step = 0;
    for (long begin = 0; begin < xTrain.shape[0]; begin += 64)
    {
        using var scope = NewDisposeScope();
        var index = shuffled.narrow(0, begin, Math.Min(64, xTrain.shape[0] - begin));
        var loss = trainStep(xTrain.index_select(0, index), yTrain.index_select(0, index));
        if (++step % 10 == 0) Console.WriteLine($"step ={step},loss = {loss.item<float>():F4},times={clock.Elapsed.TotalSeconds:F1}");
    }
}

double Accuracy(Func<Tensor, Tensor> logits)
{
    using var noGrad = no_grad();
    using var scope = NewDisposeScope();
    return logits(xTest).argmax(1).eq(yTest).to_type(ScalarType.Float32).mean().item<float>();
}

var adam1 = new Adam();
TrainOneEpoch((x, y) =>
{
    using var tape = new GradientTape();
    var loss = nn.functional.cross_entropy(Cnn.Logits(x, weights), y);
    adam1.ApplyGradients(tape.Gradient(loss, weights), weights);
    return loss;
});
accuracies["1 variables + GradientTape"] = Accuracy(x => Cnn.Logits(x, weights));
Console.WriteLine($"way 1 test accuracy: {accuracies["1 variables + GradientTape"]:P1}");
"""),
md("""
## Way 2: a Module

`tf.Module` finds the variables held in its attributes; `Pipeline.Models.Module` finds those held in its fields
(and in nested modules), each once, so `TrainableVariables` needs no hand-kept list:

```python
class CNN(tf.Module):
    def __init__(self):
        self.w1 = tf.Variable(...); ...
    def __call__(self, x): ...
model = CNN(); model.trainable_variables
```
"""),
code("""
sealed class CnnModule : Module
{
    readonly Variable _w1 = Cnn.Glorot([3, 3, 3, 32], "w1"), _b1 = Cnn.Zeros(32, "b1");
    readonly Variable _w2 = Cnn.Glorot([3, 3, 32, 64], "w2"), _b2 = Cnn.Zeros(64, "b2");
    readonly Variable _w3 = Cnn.Glorot([4096, 256], "w3"), _b3 = Cnn.Zeros(256, "b3");
    readonly Variable _w4 = Cnn.Glorot([256, 10], "w4"), _b4 = Cnn.Zeros(10, "b4");

    public Tensor Call(Tensor images) => Cnn.Logits(images, [_w1, _b1, _w2, _b2, _w3, _b3, _w4, _b4]);
}

manual_seed(42);
var module2 = new CnnModule();
Console.WriteLine($"way 2: {module2.Name}, variables {string.Join(", ", module2.TrainableVariables.Select(v => $"{v.Path} [{string.Join(", ", v.Shape)}]"))}");
Console.WriteLine($"way 2: {Cnn.CountParams(module2.TrainableVariables):N0} parameters");

var adam2 = new Adam();
TrainOneEpoch((x, y) =>
{
    using var tape = new GradientTape();
    var loss = nn.functional.cross_entropy(module2.Call(x), y);
    adam2.ApplyGradients(tape.Gradient(loss, module2.TrainableVariables), module2.TrainableVariables);
    return loss;
});
accuracies["2 Module"] = Accuracy(module2.Call);
Console.WriteLine($"way 2 test accuracy: {accuracies["2 Module"]:P1}");
"""),
md("""
## Way 3: the module with a "function" train step

In Python, `@tf.function` traces the train step once into a graph. libtorch on CPU has no graph compiler to hand
the step to, so here the step is built **once** as a delegate over a fixed module, optimizer and variable list and
then runs eagerly (docs/models.md has the measurements). The result is the same training as way 2; what the
tutorial's speed-up would come from does not exist on this backend.

```python
@tf.function
def train_step(x, y): ...
```
"""),
code("""
manual_seed(42);
var module3 = new CnnModule();
var adam3 = new Adam();
var variables3 = module3.TrainableVariables;
Func<Tensor, Tensor, Tensor> trainStep = (x, y) =>
{
    using var tape = new GradientTape();
    var loss = nn.functional.cross_entropy(module3.Call(x), y);
    adam3.ApplyGradients(tape.Gradient(loss, variables3), variables3);
    return loss;
};
TrainOneEpoch(trainStep);
accuracies["3 Module + function step"] = Accuracy(module3.Call);
Console.WriteLine($"way 3 test accuracy: {accuracies["3 Module + function step"]:P1}");
"""),
md("""
## Way 4: a subclassed Model with Compile and Fit

Keras's subclassing API: layers as fields, the forward pass in `Call`, then `Compile`, `Fit` and `Evaluate`:

```python
class CNN(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.conv1 = layers.Conv2D(32, 3, padding='same', activation='relu'); ...
    def call(self, x): ...
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, batch_size=64, epochs=1)
```
"""),
code("""
sealed class SubclassedCnn : Model
{
    readonly Conv2D _conv1 = new(32, 3, padding: "same", activation: "relu");
    readonly MaxPooling2D _pool1 = new(2);
    readonly Conv2D _conv2 = new(64, 3, padding: "same", activation: "relu");
    readonly MaxPooling2D _pool2 = new(2);
    readonly Flatten _flatten = new();
    readonly Dense _dense1 = new(256, activation: "relu");
    readonly Dense _dense2 = new(10, activation: "softmax");

    public override Tensor Call(Tensor inputs, bool training = false)
    {
        var x = _pool1.Apply(_conv1.Apply(inputs));
        x = _pool2.Apply(_conv2.Apply(x));
        return _dense2.Apply(_dense1.Apply(_flatten.Apply(x)));
    }
}

Pipeline.Models.Utils.SetRandomSeed(42);
var subclassed = new SubclassedCnn();
subclassed.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
subclassed.Fit(xTrain, yTrain, batchSize: 64, epochs: 1, verbose: 2);
Console.WriteLine($"way 4: {subclassed.CountParams():N0} parameters");
accuracies["4 subclassed Model + Fit"] = subclassed.Evaluate(xTest, yTest, verbose: 0)["accuracy"];
Console.WriteLine($"way 4 test accuracy: {accuracies["4 subclassed Model + Fit"]:P1}");
"""),
md("""
## Way 5: Sequential, with Keras's summary

The same layers in a `Sequential`; `Summary()` prints Keras's table and the tutorial's total, 1,070,794
parameters (conv 896 + conv 18,496 + dense 1,048,832 + dense 2,570).

```python
model = tf.keras.Sequential([
    layers.Input((32, 32, 3)),
    layers.Conv2D(32, 3, padding='same', activation='relu'), layers.MaxPooling2D(2),
    layers.Conv2D(64, 3, padding='same', activation='relu'), layers.MaxPooling2D(2),
    layers.Flatten(), layers.Dense(256, activation='relu'), layers.Dense(10, activation='softmax')])
model.summary()
```
"""),
code("""
Pipeline.Models.Utils.SetRandomSeed(42);
var sequential = new Sequential(
[
    new Input([32, 32, 3]),
    new Conv2D(32, 3, padding: "same", activation: "relu"),
    new MaxPooling2D(2),
    new Conv2D(64, 3, padding: "same", activation: "relu"),
    new MaxPooling2D(2),
    new Flatten(),
    new Dense(256, activation: "relu"),
    new Dense(10, activation: "softmax"),
]);
sequential.Summary();
sequential.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
sequential.Fit(xTrain, yTrain, batchSize: 64, epochs: 1, verbose: 2);
accuracies["5 Sequential + Fit"] = sequential.Evaluate(xTest, yTest, verbose: 0)["accuracy"];
Console.WriteLine($"way 5 test accuracy: {accuracies["5 Sequential + Fit"]:P1}");
"""),
md("""
## Save and restore

`model.Save("….keras")` writes Keras 3's file (architecture, weights, compile configuration and optimizer state;
the same format Python's `model.save` writes), and `Models.LoadModel` rebuilds a compiled model from it
(`tf.keras.models.load_model`). The restored model scores exactly what the saved one did. See docs/saving.md for
the formats.

```python
model.save('five_ways.keras')
restored = tf.keras.models.load_model('five_ways.keras')
restored.evaluate(x_test, y_test)
```
"""),
code("""
var path = Path.Combine(cifar, "five_ways.keras");
sequential.Save(path);
var before = sequential.Evaluate(xTest, yTest, verbose: 0)["accuracy"];
var restored = Models.LoadModel(path);
var after = restored.Evaluate(xTest, yTest, verbose: 0)["accuracy"];
Console.WriteLine($"saved {new FileInfo(path).Length:N0} bytes; restored {restored.GetType().Name} with {restored.CountParams():N0} parameters");
Console.WriteLine($"accuracy before saving: {before:F4}, after restoring: {after:F4}");
"""),
md("""
## The five ways side by side

One epoch on 4,000 images each, scored on the same 1,000 held-out images. Every way seeded libtorch's generator
with 42 before creating its weights (`manual_seed(42)` for ways 1-3, `Utils.SetRandomSeed(42)`, Keras's
`set_random_seed`, for ways 4-5), so ways 1-3 start from the same Glorot-uniform weights, see the same batches and
take the same Adam steps: they print the same losses and end at the same accuracy, and so do ways 4 and 5. The two
groups land close but not on the same digits: the hand-written loop takes `cross_entropy` on logits, while `Fit`
trains a softmax output with Keras's sparse categorical cross-entropy (which clips probabilities), so the float
arithmetic differs. The chapter's point holds: the five ways are five spellings of one model.
"""),
code("""
foreach (var (way, accuracy) in accuracies) Console.WriteLine($"{way,-28} {accuracy:P1}");
restored.Dispose();
subclassed.Dispose();
sequential.Dispose();
module2.Dispose();
module3.Dispose();
Directory.Delete(cifar, recursive: true);
"""),
])

# ---------------------------------------------------------------- transfer learning
notebook("transfer-learning.ipynb", [
md("""
# Transfer learning and fine-tuning in C#

The tutorial's transfer-learning chapter classifies cats and dogs with a network pretrained on ImageNet: it loads
`keras.applications.MobileNetV2(include_top=False, weights='imagenet')`, freezes it (`base_model.trainable = False`),
puts a new classifier head on top (global average pooling, dropout, one dense unit), trains only that head, then
unfreezes the top of the base and trains on with a learning rate ten times lower (**fine-tuning**).

This notebook does the same with `Pipeline.Models.Applications.MobileNet`, Keras's `keras.applications.MobileNet`
(v1) with Keras's layer names, so Keras's published ImageNet weights load into it by name. We use the smallest
MobileNet (`alpha` 0.25, 218,544 parameters) with Keras's ImageNet file from `../shared/fixtures` (offline; pass
`weights: "imagenet"` to download it from Keras instead), and the 200 training and 40 test photos of
`../shared/fixtures/cats-vs-dogs`.

**Shortened** to run in a minute or two on 2 CPU cores: 5 epochs for the head and 2 of fine-tuning, flips as the
only augmentation. `samples/TransferLearning` runs the full chapter (10 + 5 epochs, flips and rotations); its
figures are in docs/transfer-learning.md.
"""),
md(PACKAGES_MD), code(PACKAGES), code(SHOW),
md("""
## The data

`Utils.ImageDatasetFromDirectory` is `keras.utils.image_dataset_from_directory`: one sub-folder per class (cats = 0,
dogs = 1, in alphabetical order), images resized to 224x224 with values 0-255, in shuffled batches of 32.
`labelMode: "binary"` gives float labels of shape (batch, 1) for a one-unit sigmoid head.

```python
train_dataset = tf.keras.utils.image_dataset_from_directory(train_dir, shuffle=True, batch_size=32, image_size=(224, 224), label_mode='binary')
```
"""),
code("""
using System.IO;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

var shared = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR") ?? Path.GetFullPath("../../shared");
var photos = Path.Combine(shared, "fixtures", "cats-vs-dogs");
Pipeline.Models.Utils.SetRandomSeed(42);
var train = Pipeline.Models.Utils.ImageDatasetFromDirectory(Path.Combine(photos, "train"), labelMode: "binary", imageSize: (224, 224), batchSize: 32, seed: 42);
var test = Pipeline.Models.Utils.ImageDatasetFromDirectory(Path.Combine(photos, "test"), labelMode: "binary", imageSize: (224, 224), batchSize: 32, shuffle: false);
Console.WriteLine($"training: {train.FilePaths.Count} images, test: {test.FilePaths.Count} images, classes: {string.Join(", ", train.ClassNames)}");
var (firstImages, firstLabels) = train.First();
var thumbnails = Pipeline.Image.Resize(firstImages, 96, 96, antialias: true);
Show.Images(thumbnails.div(255), firstLabels.data<float>().ToArray().Select(l => train.ClassNames[(int)l]).ToList(), count: 8);
"""),
md("""
## The pretrained base, frozen

`Applications.MobileNet` takes Keras's arguments. Without the top the base ends in a 7x7x256 feature map. Setting
`Trainable = false` freezes every layer in it; a frozen `BatchNormalization` runs in inference mode (Keras's rule),
so the base computes exactly the features it learned on ImageNet however it is called.

```python
base_model = tf.keras.applications.MobileNet(input_shape=(224, 224, 3), alpha=0.25, include_top=False, weights='imagenet')
base_model.trainable = False
```
"""),
code("""
var weights = Path.Combine(shared, "fixtures", "keras-mobilenet-imagenet-notop", "mobilenet_2_5_224_tf_no_top.h5");
var baseModel = Applications.MobileNet(inputShape: [224, 224, 3], alpha: 0.25, includeTop: false, weights: weights);
baseModel.Trainable = false;
using (var features = baseModel.Apply(Applications.PreprocessInput(firstImages, mode: "tf")))
    Console.WriteLine($"{baseModel.Name}: {baseModel.Layers.Count} layers, {baseModel.CountParams():N0} parameters; a batch of {firstImages.shape[0]} images gives features of shape ({string.Join(", ", features.shape)})");
"""),
md("""
## A new head

The model a user writes with the functional API: augmentation (random horizontal flips), MobileNet's preprocessing
(`x / 127.5 - 1`, here a `Rescaling` layer so the model takes raw pixels), the frozen base, then global average
pooling, dropout and one sigmoid unit. Only the head's 257 weights are trainable.

```python
inputs = tf.keras.Input(shape=(224, 224, 3))
x = data_augmentation(inputs)
x = preprocess_input(x)
x = base_model(x, training=False)
x = tf.keras.layers.GlobalAveragePooling2D()(x)
x = tf.keras.layers.Dropout(0.2)(x)
outputs = tf.keras.layers.Dense(1, activation='sigmoid')(x)
model = tf.keras.Model(inputs, outputs)
```
"""),
code("""
var inputs = new Input([224, 224, 3]);
var x = new RandomFlip("horizontal").Apply(inputs);
x = new Rescaling(1 / 127.5, offset: -1).Apply(x);
x = baseModel.Apply(x);
x = new GlobalAveragePooling2D().Apply(x);
x = new Dropout(0.2).Apply(x);
var outputs = new Dense(1, activation: "sigmoid").Apply(x);
var model = new Model(inputs, outputs);
model.Compile(new Adam(learningRate: 1e-2), "binary_crossentropy", ["accuracy"]);
model.Summary();
var initial = model.Evaluate(test, verbose: 0);
Console.WriteLine($"before training: test accuracy {initial["accuracy"]:F4}");
"""),
md("""
## Training the head

Five epochs over the 200 photos. The base only computes features, so this is fast, and the ImageNet features
separate cats from dogs well: after five epochs the head alone scores 80-90% on the 40 test photos (chance: 50%;
the sample's ten epochs with rotations reach 92.5%).
"""),
code("""
var history = model.Fit(train, epochs: 5);
var head = model.Evaluate(test, verbose: 0);
Console.WriteLine($"after the head: test_accuracy: {head["accuracy"]:F4}");
"""),
md("""
## Fine-tuning the top blocks

Unfreeze the last two depthwise-separable blocks of the base (`conv_dw_12` onwards), but keep their
BatchNormalization layers frozen so they stay in inference mode with ImageNet's statistics (what the tutorial's
`base_model(x, training=False)` achieves). Changing `Trainable` needs a new `Compile`; the learning rate is a tenth
of the head's. The summary shows the trainable count grow from 257 to 102,017.

```python
base_model.trainable = True
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False
model.compile(optimizer=tf.keras.optimizers.RMSprop(learning_rate=base_learning_rate / 10), ...)
history_fine = model.fit(train_dataset, epochs=total_epochs, initial_epoch=history.epoch[-1])
```
"""),
code("""
var layers = baseModel.Layers.ToList();
var fineTuneAt = layers.FindIndex(l => l.Name == "conv_dw_12");
foreach (var layer in layers.Skip(fineTuneAt).Where(l => l is not BatchNormalization)) layer.Trainable = true;
model.Compile(new RMSprop(learningRate: 1e-4), "binary_crossentropy", ["accuracy"]);
model.Summary();
var fine = model.Fit(train, epochs: 7, initialEpoch: 5);
var tuned = model.Evaluate(test, verbose: 0);
Console.WriteLine($"after fine-tuning: test_accuracy: {tuned["accuracy"]:F4}");
"""),
md("""
## Learning curves

Training loss and accuracy over the head's epochs and the fine-tuning epochs after them.
"""),
code("""
Show.Curves(new Dictionary<string, IReadOnlyList<double>>
{
    ["loss"] = [.. history["loss"], .. fine["loss"]],
    ["accuracy"] = [.. history["accuracy"], .. fine["accuracy"]],
});
model.Dispose();
"""),
])

# ---------------------------------------------------------------- classic models
notebook("classic-models.ipynb", [
md("""
# Classic CNN architectures in C#

The tutorial's classic-models chapter walks through the architectures that shaped image classification (VGG16,
ResNet50, InceptionV3, DenseNet121, MobileNet, MobileNetV2, EfficientNet), all available in Python as `keras.applications`,
and trains a small one. This notebook builds each with `Pipeline.Models.Applications`, which builds them layer by
layer as Keras does, with Keras's layer names, so Keras's published `.h5` ImageNet weights load into them
(`weights: "imagenet"` downloads them; here `weights: null` keeps random weights, to stay offline). Each model's
parameter count is printed next to the figure Keras publishes.

Then it trains a small-input variant, MobileNet with `alpha` 0.25 on 32x32 CIFAR-10 images, from scratch.
**Shortened** to run in a couple of minutes on 2 CPU cores: 100 images per class (800 to train, 200 to
validate) and 2 epochs, so accuracy stays low (from scratch, a network needs many epochs on all 50,000 images);
`samples/ClassicModels` runs it longer (figures in docs/classic-models.md).
"""),
md(PACKAGES_MD), code(PACKAGES), code(SHOW),
md("""
## The architectures and their parameter counts

```python
for build in [VGG16, ResNet50, InceptionV3, DenseNet121, MobileNet, MobileNetV2, EfficientNetB0]:
    model = build(weights=None)
    print(model.name, model.count_params())
```

Random weights are drawn for every parameter, so building VGG16 (138 million parameters, 528 MB) takes a few
seconds. The counts are Keras's to the unit.
"""),
code("""
using System.Diagnostics;
using System.IO;
using Pipeline.Models;
using Pipeline.Models.Layers;
using static TorchSharp.torch;

var published = new (string Name, Func<Model> Build, long Keras)[]
{
    ("VGG16", () => Applications.VGG16(weights: null), 138_357_544),
    ("ResNet50", () => Applications.ResNet50(weights: null), 25_636_712),
    ("InceptionV3", () => Applications.InceptionV3(weights: null), 23_851_784),
    ("DenseNet121", () => Applications.DenseNet121(weights: null), 8_062_504),
    ("MobileNet", () => Applications.MobileNet(weights: null), 4_253_864),
    ("MobileNetV2", () => Applications.MobileNetV2(weights: null), 3_538_984),
    ("EfficientNetB0", () => Applications.EfficientNetB0(weights: null), 5_330_571),
};
foreach (var (name, build, keras) in published)
{
    using var model = build();
    Console.WriteLine($"{name,-14} {model.Name,-22} input {string.Join("x", model.Inputs[0].Shape)}, {model.Layers.Count,3} layers, {model.CountParams(),11:N0} parameters (Keras: {keras:N0})");
}
"""),
md("""
## A look inside: ResNet50's first residual block

The layers carry Keras's names (`conv2_block1_1_conv`, ...), which is what lets Keras's weight files load by name.
`GetLayer` finds one by name, as `model.get_layer` does.
"""),
code("""
using (var resnet = Applications.ResNet50(includeTop: false, weights: null))
{
    foreach (var layer in resnet.Layers.Where(l => l.Name.StartsWith("conv2_block1_", StringComparison.Ordinal)))
        Console.WriteLine($"{layer.Name,-22} {layer.GetType().Name,-20} output {string.Join("x", layer.OutputShape!)}, {layer.CountParams():N0} parameters");
    Console.WriteLine($"feature map without the top: {string.Join("x", resnet.Outputs[0].Shape)}");
}
"""),
md("""
## A look inside: one EfficientNet block

EfficientNetB0 takes raw 0-255 pixels: its first layers rescale them and normalise each channel (`Normalization`,
whose ImageNet mean and variance are weights in Keras's file). Each of its 16 blocks is a mobile inverted
bottleneck: a 1x1 expansion, a depthwise convolution, squeeze-and-excitation (global pooling to one weight per
channel, multiplied back onto the feature maps, a broadcasting `Multiply`), a 1x1 projection, and on residual blocks
drop-connect, a `Dropout` with `noiseShape: [null, 1, 1, 1]` that drops a whole sample's branch while training, at a
rate growing with the block's depth.
"""),
code("""
using (var efficientnet = Applications.EfficientNetB0(includeTop: false, weights: null))
{
    foreach (var layer in efficientnet.Layers.Where(l => l.Name.StartsWith("block2b_", StringComparison.Ordinal)))
        Console.WriteLine($"{layer.Name,-26} {layer.GetType().Name,-22} output {string.Join("x", layer.OutputShape!)}, {layer.CountParams():N0} parameters");
    var drop = (Dropout)efficientnet.GetLayer("block6d_drop");
    Console.WriteLine($"block6d_drop: rate {drop.Rate:F4}, noise shape ({string.Join(", ", drop.NoiseShape!.Select(d => d?.ToString() ?? "None"))})");
}
"""),
md("""
## CIFAR-10 data

The first 100 images of each class of `../shared/datasets/cifar10-train-jpeg.tar.gz`, 80% to train and 20% to
validate (`image_dataset_from_directory` with `validation_split`).
"""),
code("""
var shared = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR") ?? Path.GetFullPath("../../shared");
var cifar = Directory.CreateTempSubdirectory("classic-models-notebook-").FullName;
Process.Start("tar", ["-xzf", Path.Combine(shared, "datasets", "cifar10-train-jpeg.tar.gz"), "-C", cifar, "--wildcards", "train/*/00??.jpg"])!.WaitForExit();
Pipeline.Models.Utils.SetRandomSeed(42);
var (train, validation) = Pipeline.Models.Utils.ImageDatasetsFromDirectory(Path.Combine(cifar, "train"), validationSplit: 0.2, seed: 42, imageSize: (32, 32), batchSize: 16);
Console.WriteLine($"training: {train.FilePaths.Count} images, validation: {validation.FilePaths.Count} images, {train.ClassNames.Count} classes");
var (images, labels) = train.First();
Show.Images(images.div(255), labels.data<long>().ToArray().Select(l => train.ClassNames[(int)l]).ToList(), count: 10);
"""),
md("""
## A small MobileNet, trained from scratch

`inputTensor` builds the application on a tensor of our own: here a `Rescaling` layer that maps 0-255 pixels to
MobileNet's [-1, 1], so the model takes raw pixels. `classes: 10` gives a 10-way top; `weights: null` starts from
random weights (ImageNet weights need `classes: 1000` with the top).

```python
inputs = keras.Input(shape=(32, 32, 3))
x = keras.layers.Rescaling(1 / 127.5, offset=-1)(inputs)
model = keras.applications.MobileNet(alpha=0.25, weights=None, input_tensor=x, classes=10)
```
"""),
code("""
var inputs = new Input([32, 32, 3]);
var scaled = new Rescaling(1 / 127.5, offset: -1).Apply(inputs);
var small = Applications.MobileNet(alpha: 0.25, weights: null, inputTensor: scaled, classes: 10);
small.Summary();
"""),
md("""
Two epochs with Adam. Its BatchNormalization layers keep moving averages of their statistics for inference; with
only 100 steps they are still settling, which is one reason validation lags training in so short a run.
"""),
code("""
small.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
var history = small.Fit(train, epochs: 2, validationData: validation);
Console.WriteLine($"val_accuracy: {history["val_accuracy"][^1]:F4} (chance: 0.10)");
Show.Curves(history);
small.Dispose();
"""),
])

# ---------------------------------------------------------------- data augmentation
notebook("data-augmentation.ipynb", [
md("""
# Data augmentation in C#: three ways to flip, shift, rotate and zoom

The tutorial's data augmentation chapter trains its CIFAR-10 CNN (Conv32-Pool-Conv64-Pool-Dense256-Dense10) twice:
on the images as they are, and on images randomly flipped, shifted, rotated and zoomed at every epoch. Validation
accuracy goes from about 71% to 74% and the training and validation curves come closer (less over-fitting).
Keras users augment in one of three ways, and this notebook shows each with `Pipeline`:

1. **tf.image ops in the input pipeline**: `dataset.map(augment)` with `tf.image.random_flip_left_right`, `random_crop`, ...
2. **Keras preprocessing layers in the model**: `RandomFlip`, `RandomRotation`, `RandomTranslation`, `RandomZoom`, active only while training;
3. **`ImageDataGenerator`** and its `flow(x, y)`, passed to `fit`.

To run in about two minutes on 2 CPU cores it trains on 2,000 CIFAR-10 images for 3 epochs per route, far too
little for augmentation to pay off (it helps once a network starts to over-fit); the sample
`samples/DataAugmentation` runs the chapter on more data and docs/data-augmentation.md has its figures.
"""),
md(PACKAGES_MD), code(PACKAGES),
md("""
`Show.csx` (next to this notebook) shows the library's PNG pictures (`Pictures.ImageGrid`, `AugmentationGrid`,
`TrainingCurves`) inline; a program writes the same pictures to files.
"""), code(SHOW),
md("""
## The data

CIFAR-10's training images as JPEG files, one folder per class (`../shared/datasets/cifar10-train-jpeg.tar.gz`).
`Cifar10.LoadFolder` reads such a tree into Keras's arrays, as `keras.datasets.cifar10.load_data()` gives them:
uint8 images (N, 32, 32, 3) and labels (N, 1). A seeded shuffle then takes 2,000 images for training and 500 for
validation.
"""),
code(EXTRACT_CIFAR),
code("""
using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Models.Preprocessing;
using TorchSharp;
using static TorchSharp.torch;

var (xAll, yAll) = Pipeline.Models.Datasets.Cifar10.LoadFolder(trainDir);
Console.WriteLine($"x: {xAll.dtype.Name} ({string.Join(", ", xAll.shape)}), y: ({string.Join(", ", yAll.shape)})");
var order = randperm(xAll.shape[0], generator: new TorchSharp.torch.Generator(42));
var images = tensor(xAll.ToArray<byte>(), [xAll.shape[0], 32, 32, 3]).index_select(0, order);
var labels = tensor(yAll.ToArray<long>()).index_select(0, order);
var (xTrain, yTrain) = (images.narrow(0, 0, 2000), labels.narrow(0, 0, 2000));
var (xVal, yVal) = (images.narrow(0, 2000, 500), labels.narrow(0, 2000, 500));
Console.WriteLine($"training: {xTrain.shape[0]} images, validation: {xVal.shape[0]} images");
"""),
md("""
The tutorial's first step is to look at the data, with matplotlib in Python
(`plt.subplot(3, 3, i + 1); plt.imshow(images[i]); plt.title(class_names[labels[i]])`). Here
`Pictures.ImageGrid` draws the grid and names each image's class:
"""),
code("""
Show.Png(Pictures.ImageGrid(xTrain.narrow(0, 0, 9), yTrain.narrow(0, 0, 9), classNames));
"""),
md("""
## 1. tf.image ops in `Dataset.Map`

In Python:

```python
def augment(image, label):
    image = tf.image.convert_image_dtype(image, tf.float32)
    image = tf.image.random_flip_left_right(image)
    image = tf.image.pad_to_bounding_box(image, 4, 4, 40, 40)
    image = tf.image.random_crop(image, size=[32, 32, 3])
    return image, label

train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(2000)
            .map(augment, num_parallel_calls=tf.data.AUTOTUNE).batch(64).prefetch(tf.data.AUTOTUNE))
```

The same with `Pipeline.Image` and `Dataset`. A generator object plays the role of TensorFlow's global seed. The
plan shows the steps; `Map` knows its function is random (it calls the library's random ops), so `Lint()` would
flag a `Cache()` placed after it.
"""),
code("""
var imageOpsRandom = new TorchSharp.torch.Generator(1);
Tensor Augment(Tensor image)
{
    var x = image.to_type(ScalarType.Float32).div(255.0);
    x = Image.RandomFlipLeftRight(x, imageOpsRandom);
    x = Image.PadToBoundingBox(x, 4, 4, 40, 40);
    return Image.RandomCrop(x, 32, 32, imageOpsRandom);
}
var imageOpsTrain = Dataset.FromTensorSlices(xTrain, yTrain)
    .Shuffle(2000, seed: 1)
    .Map((image, label) => (Augment(image), label), numParallelCalls: Dataset.Autotune, name: "augment")
    .Batch(64)
    .Prefetch();
Console.WriteLine($"plan: {imageOpsTrain}");
Show.Png(Pictures.AugmentationGrid(xTrain[0], Augment));
"""),
md("""
## 2. Keras preprocessing layers in the model

In Python:

```python
data_augmentation = keras.Sequential([
    layers.RandomFlip("horizontal"),
    layers.RandomRotation(15 / 360),
    layers.RandomTranslation(0.1, 0.1),
    layers.RandomZoom(0.1),
])
model = keras.Sequential([keras.Input((32, 32, 3)), data_augmentation, layers.Conv2D(32, 3, padding="same", activation="relu"), ...])
```

The layers change images only when called with `training: true`, which `Fit` does; `Evaluate` and `Predict` see the
images as they are. Called by hand in training mode they show what they do:
"""),
code("""
Layer[] AugmentationLayers(long seed) =>
[
    new RandomFlip("horizontal", seed: seed),
    new RandomRotation(15 / 360.0, seed: seed + 1),
    new RandomTranslation(0.1, 0.1, seed: seed + 2),
    new RandomZoom(0.1, seed: seed + 3),
];
var preview = new Sequential([.. AugmentationLayers(seed: 2)]);
Show.Png(Pictures.AugmentationGrid(xTrain[0], image => preview.Apply(image.to_type(ScalarType.Float32).div(255.0), training: true)));
"""),
md("""
## 3. `ImageDataGenerator.Flow`

In Python (the older Keras API, still in many tutorials):

```python
datagen = ImageDataGenerator(rotation_range=15, width_shift_range=0.1, height_shift_range=0.1,
                             zoom_range=0.1, horizontal_flip=True, rescale=1 / 255)
model.fit(datagen.flow(x_train, y_train, batch_size=64), epochs=3, validation_data=(x_val / 255, y_val))
```

`ImageDataGenerator` takes Keras's arguments in camelCase; `Flow` returns batches `Fit` takes. `RandomTransform` is
Keras's `random_transform`, one image at a time (before `rescale`, which `Flow` applies):
"""),
code("""
var datagen = new ImageDataGenerator(rotationRange: 15, widthShiftRange: 0.1, heightShiftRange: 0.1,
    zoomRange: 0.1, horizontalFlip: true, rescale: 1 / 255.0);
Show.Png(Pictures.AugmentationGrid(xTrain[0], image => datagen.RandomTransform(image).div(255.0)));
"""),
md("""
## Training without and with augmentation

The tutorial's network, built fresh for each route from the same initial weights (`Utils.SetRandomSeed(42)`, Keras's
`keras.utils.set_random_seed`), 3 epochs each. The summary's parameter count is the tutorial's, 1,070,794
(the preprocessing layers have no weights).
"""),
code("""
Sequential TutorialCnn(IEnumerable<Layer> augmentation) => new(
[
    new Input([32, 32, 3]),
    .. augmentation,
    new Conv2D(32, 3, padding: "same", activation: "relu"),
    new MaxPooling2D(2),
    new Conv2D(64, 3, padding: "same", activation: "relu"),
    new MaxPooling2D(2),
    new Flatten(),
    new Dense(256, activation: "relu"),
    new Dense(10, activation: "softmax"),
]);
var xTrainFloat = xTrain.to_type(ScalarType.Float32).div(255.0);
var xValFloat = xVal.to_type(ScalarType.Float32).div(255.0);
var validationData = Dataset.FromTensorSlices(xValFloat, yVal).Batch(64);
var histories = new Dictionary<string, History>();
foreach (var route in new[] { "none", "image-ops", "layers", "generator" })
{
    Pipeline.Models.Utils.SetRandomSeed(42);
    var model = TutorialCnn(route == "layers" ? AugmentationLayers(seed: 1) : []);
    model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
    if (route == "none") model.Summary();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    histories[route] = route switch
    {
        "image-ops" => model.Fit(imageOpsTrain, epochs: 3, validationData: validationData, verbose: 0),
        "generator" => model.Fit(datagen.Flow(xTrain, yTrain, batchSize: 64, seed: 1), epochs: 3, validationData: validationData, verbose: 0),
        _ => model.Fit(xTrainFloat, yTrain, (xValFloat, yVal), batchSize: 64, epochs: 3, verbose: 0),
    };
    Console.WriteLine($"route {route}: val_accuracy: {histories[route]["val_accuracy"][^1]:F4} ({clock.Elapsed.TotalSeconds:F0}s)");
    model.Dispose();
}
"""),
md("""
The curves of the run without augmentation and of the layers route: `Pictures.TrainingCurves` draws Keras's
"Training and Validation Accuracy" and "... Loss" panels from a `History`. After 3 epochs on 2,000 images the
network has not yet begun to over-fit, so augmentation cannot help yet; the chapter's figures from longer runs are
in docs/data-augmentation.md.
"""),
code("""
Show.Curves(histories["none"]);
Show.Curves(histories["layers"]);
Directory.Delete(cifar, recursive: true);
"""),
])

# ---------------------------------------------------------------- Vision Transformer
notebook("vision-transformer.ipynb", [
md("""
# Image classification with a Vision Transformer

The Keras tutorial "Image classification with Vision Transformer" (ViT) classifies CIFAR images without
convolutions: it cuts each image into small square **patches**, turns every patch into a token with a learned
projection, prepends a learnable **class token**, adds learnable **position embeddings**, runs the sequence through
**transformer encoder blocks** (LayerNormalization, MultiHeadAttention, an MLP with GELU, residual adds) and
classifies from the class token. The tutorial writes the unusual pieces as its own Keras layers; so does this
notebook, with `Pipeline.Models`: subclassed `Layer`s with `Build`, `AddWeight`, `Call` and `GetConfig`, used in a
functional `Model`.

The model is the small ViT of the project's PyTorch peer benchmark: 32x32x3 images, 4x4 patches (64 tokens + the
class token), 64 features, 4 heads, 4 blocks, MLP width 128: **142,026 parameters**, the same count as the
PyTorch model.

**Shortened** so that it runs in about two minutes on 2 CPU cores: 5,000 of CIFAR-10's 50,000 training images
(4,000 to train, 1,000 to score) and **5 epochs**, which ends around 30-35% accuracy (chance: 10%). Transformers
need far more data and epochs than CNNs; the tutorial trains 100 epochs on all of CIFAR-100 with augmentation.
`samples/VisionTransformer -- --data <cifar folder> --epochs N` runs the same model at full size.
"""),
md(PACKAGES_MD), code(PACKAGES), code(SHOW),
md("""
## The data

CIFAR-10's training images as JPEG files, one folder per class (`../shared/datasets/cifar10-train-jpeg.tar.gz`);
the first 500 of each class are unpacked and held in memory as images (N, 32, 32, 3) in [0, 1] and integer
labels, like the tutorial's `load_data()` arrays. A seeded permutation holds out 1,000 images for scoring.
"""),
code("""
using System.Diagnostics;
using System.IO;
using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Initializers;
using Pipeline.Models.Layers;
using Pipeline.Models.Losses;
using Pipeline.Models.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

var shared = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR") ?? Path.GetFullPath("../../shared");
var cifar = Directory.CreateTempSubdirectory("vit-notebook-").FullName;
Process.Start("tar", ["-xzf", Path.Combine(shared, "datasets", "cifar10-train-jpeg.tar.gz"), "-C", cifar, "--wildcards", "train/*/0[0-4]??.jpg"])!.WaitForExit();

var folder = Pipeline.Models.Utils.ImageDatasetFromDirectory(Path.Combine(cifar, "train"), imageSize: (32, 32), batchSize: 256, shuffle: false);
var xs = new List<Tensor>();
var ys = new List<Tensor>();
foreach (var (images, labels) in folder)
{
    xs.Add(images.to_type(ScalarType.Float32).div_(255.0));
    ys.Add(labels.to_type(ScalarType.Int64));
}
var allX = cat(xs, 0);
var allY = cat(ys, 0);
var order = randperm(allX.shape[0], generator: new torch.Generator(42));
var (xTrain, yTrain) = (allX.index_select(0, order.narrow(0, 1000, allX.shape[0] - 1000)), allY.index_select(0, order.narrow(0, 1000, allX.shape[0] - 1000)));
var (xTest, yTest) = (allX.index_select(0, order.narrow(0, 0, 1000)), allY.index_select(0, order.narrow(0, 0, 1000)));
Console.WriteLine($"training: {xTrain.shape[0]} images, test: {xTest.shape[0]} images; classes: {string.Join(", ", folder.ClassNames)}");
"""),
md("""
## Patches

The tutorial's `Patches` layer calls `tf.image.extract_patches`; ours calls its counterpart `Image.ExtractPatches`
and reshapes the (batch, 8, 8, 48) grid into a sequence of 64 patches of 4 x 4 x 3 = 48 values, row by row. It has no
weights, so only `Call` (and `GetConfig`, for saving) are needed; the output shape is found by running it once.

```python
class Patches(layers.Layer):
    def call(self, images):
        patches = tf.image.extract_patches(images, sizes=[1, p, p, 1], strides=[1, p, p, 1], rates=[1, 1, 1, 1], padding="VALID")
        return tf.reshape(patches, [tf.shape(images)[0], -1, patches.shape[-1]])
```
"""),
code("""
sealed class Patches(int patchSize, string? name = null) : Layer(name)
{
    public int PatchSize { get; } = patchSize;

    public override Tensor Call(Tensor images, bool training = false)
    {
        var grid = Image.ExtractPatches(images, (PatchSize, PatchSize), (PatchSize, PatchSize));
        return grid.reshape(grid.shape[0], grid.shape[1] * grid.shape[2], grid.shape[3]);
    }

    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["patch_size"] = PatchSize;
        return config;
    }
}
"""),
md("""
One training image, then its 64 patches pulled apart (each patch is reshaped back to 4 x 4 x 3 and placed on a
white grid with a one-pixel gap), as the tutorial's figure shows them:
"""),
code("""
var image = xTrain.narrow(0, 0, 1);
var patches = new Patches(4).Apply(image);
Console.WriteLine($"image {string.Join("x", image.shape)} -> patches {string.Join("x", patches.shape)}");
var exploded = ones(8 * 5 - 1, 8 * 5 - 1, 3);
for (int i = 0; i < 64; i++)
    exploded[TensorIndex.Slice(i / 8 * 5, i / 8 * 5 + 4), TensorIndex.Slice(i % 8 * 5, i % 8 * 5 + 4)] = patches[0, i].reshape(4, 4, 3);
Show.Images(image, [folder.ClassNames[(int)yTrain[0].item<long>()]], width: 192);
Show.Images(exploded.unsqueeze(0), ["64 patches of 4x4"], width: 234);
"""),
md("""
## Patch encoder: projection, class token, position embeddings

A `Dense` layer projects each 48-value patch to 64 features. The class token is a weight of the layer itself,
created in `Build` with `AddWeight` (zeros at first) and prepended to every sequence; the position embedding is an
`Embedding` with one learnable row per position (65 = 64 patches + the class token), looked up at 0, 1, …, 64 and
added. The nested `Dense` and `Embedding` held in fields are tracked automatically, so their weights are part of
the layer's `Weights`.
"""),
code("""
sealed class PatchEncoder(int numPatches, int projectionDim, string? name = null) : Layer(name)
{
    readonly Dense _projection = new(projectionDim);
    readonly Embedding _positions = new(numPatches + 1, projectionDim, embeddingsInitializer: new RandomNormal(stddev: 0.02));
    Variable? _classToken;

    public int NumPatches { get; } = numPatches;
    public int ProjectionDim { get; } = projectionDim;

    public override void Build(int[] inputShape) => _classToken = AddWeight("class_token", [1, 1, ProjectionDim], new Zeros());

    public override Tensor Call(Tensor patches, bool training = false)
    {
        var tokens = _projection.Apply(patches);
        var classToken = _classToken!.Value.expand(patches.shape[0], 1, ProjectionDim);
        var positions = arange(NumPatches + 1, ScalarType.Int64, patches.device);
        return cat([classToken, tokens], 1).add(_positions.Apply(positions));
    }

    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["num_patches"] = NumPatches;
        config["projection_dim"] = ProjectionDim;
        return config;
    }
}
"""),
md("""
## Transformer encoder block

Pre-norm, as in the tutorial and the ViT paper: `x + MultiHeadAttention(LayerNormalization(x))`, then
`x + MLP(LayerNormalization(x))` with a GELU hidden layer twice as wide. `MultiHeadAttention` has Keras's weights
(query/key/value kernels (64, 4, 16), output kernel (4, 16, 64)); applied to one tensor it is self-attention.
"""),
code("""
sealed class TransformerBlock(int projectionDim, int numHeads, int mlpDim, string? name = null) : Layer(name)
{
    readonly LayerNormalization _norm1 = new(epsilon: 1e-6), _norm2 = new(epsilon: 1e-6);
    readonly MultiHeadAttention _attention = new(numHeads, keyDim: projectionDim / numHeads);
    readonly Dense _hidden = new(mlpDim, activation: "gelu"), _output = new(projectionDim);
    readonly Add _add1 = new(), _add2 = new();

    public int ProjectionDim { get; } = projectionDim;
    public int NumHeads { get; } = numHeads;
    public int MlpDim { get; } = mlpDim;

    public override Tensor Call(Tensor x, bool training = false)
    {
        x = _add1.Apply([x, _attention.Apply(_norm1.Apply(x), training)]);
        return _add2.Apply([x, _output.Apply(_hidden.Apply(_norm2.Apply(x)))]);
    }

    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["projection_dim"] = ProjectionDim;
        config["num_heads"] = NumHeads;
        config["mlp_dim"] = MlpDim;
        return config;
    }
}

sealed class ClassToken(string? name = null) : Layer(name)
{
    public override Tensor Call(Tensor tokens, bool training = false) => tokens.select(1, 0);
}
"""),
md("""
## The model

Functional, as in the tutorial: `Input` → `Patches` → `PatchEncoder` → 4 blocks → `LayerNormalization` → the
class token → `Dense(10)` logits. The summary shows our own layers next to Keras's, with the PyTorch model's
parameter count.
"""),
code("""
Pipeline.Models.Utils.SetRandomSeed(42);
var inputs = new Input([32, 32, 3]);
var encoded = new PatchEncoder(64, 64).Apply(new Patches(4).Apply(inputs));
for (int i = 0; i < 4; i++) encoded = new TransformerBlock(64, 4, 128).Apply(encoded);
var logits = new Dense(10).Apply(new ClassToken().Apply(new LayerNormalization(epsilon: 1e-6).Apply(encoded)));
var vit = new Model(inputs, logits, name: "vision_transformer");
vit.Summary();
"""),
md("""
## Training

The tutorial's optimizer (AdamW, learning rate 1e-3, weight decay 1e-4) and loss (sparse categorical
cross-entropy on logits), batch 64, 10% of the training images for validation; Keras's progress line per epoch,
then the curves.
"""),
code("""
vit.Compile(new AdamW(learningRate: 1e-3, weightDecay: 1e-4), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
var clock = Stopwatch.StartNew();
var history = vit.Fit(xTrain, yTrain, batchSize: 64, epochs: 5, validationSplit: 0.1, verbose: 2);
Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F0} s");
Show.Curves(history);
"""),
md("""
## Scoring

Accuracy on the 1,000 held-out images, and what the model says about the first eight of them.
"""),
code("""
var accuracy = vit.Evaluate(xTest, yTest, verbose: 0)["accuracy"];
Console.WriteLine($"test accuracy: {accuracy:P1}");
var predicted = vit.Predict(xTest.narrow(0, 0, 8), verbose: 0);
var guesses = Enumerable.Range(0, 8).Select(i => folder.ClassNames[(int)predicted[i].argmax()]).ToList();
Show.Images(xTest.narrow(0, 0, 8), guesses);
vit.Dispose();
Directory.Delete(cifar, recursive: true);
"""),
])
