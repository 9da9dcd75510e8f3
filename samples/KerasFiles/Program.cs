// Any Keras model file from the command line: a Keras 3 .keras zip or a Keras 2 full-model .h5.
//
//   dotnet run -c Release --project samples/KerasFiles -- summary FILE
//   dotnet run -c Release --project samples/KerasFiles -- predict FILE IMAGE... [--image-size N] [--scale F] [--top K]
//   dotnet run -c Release --project samples/KerasFiles -- evaluate FILE --data DIR [--image-size N] [--scale F] [--batch-size N]
//
// Images are decoded, resized (bilinear) to the model's input size (or --image-size N), and their 0..255 pixels
// multiplied by --scale (default 1/255). evaluate reads a class-per-folder tree (folder names in alphabetical order are
// the class indices, as Keras's image_dataset_from_directory) and prints the accuracy of the predicted classes.
using System.Globalization;
using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

var inv = CultureInfo.InvariantCulture;
if (args.Length < 2 || args[0] is not ("summary" or "predict" or "evaluate"))
{
    Console.Error.WriteLine("usage: KerasFiles summary FILE | predict FILE IMAGE... [--image-size N] [--scale F] [--top K] | evaluate FILE --data DIR [--image-size N] [--scale F] [--batch-size N]");
    return 2;
}
var command = args[0];
var file = args[1];
var positional = new List<string>();
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 2; i < args.Length; i++)
{
    if (args[i].StartsWith("--", StringComparison.Ordinal))
    {
        if (i + 1 >= args.Length) { Console.Error.WriteLine($"{args[i]} needs a value."); return 2; }
        options[args[i]] = args[++i];
    }
    else positional.Add(args[i]);
}
double scale = options.TryGetValue("--scale", out var s) ? ParseScale(s) : 1.0 / 255;

Model model;
try
{
    model = Models.LoadModel(file, compile: false);
}
catch (Exception e) when (e is KerasFileException or FileNotFoundException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
using var _ = model;

if (command == "summary")
{
    model.Summary();
    return 0;
}

var inputShape = model.InputShape ?? throw new InvalidOperationException("The model does not declare its input shape.");
if (inputShape.Count != 3)
{
    Console.Error.WriteLine($"{command} works on image models with (height, width, channels) inputs; this model takes {Pipeline.Models.Layers.Layer.ShapeText(inputShape)}.");
    return 1;
}
int height = inputShape[0], width = inputShape[1], channels = inputShape[2];
if (options.TryGetValue("--image-size", out var size)) height = width = int.Parse(size, inv);

if (command == "predict")
{
    if (positional.Count == 0) { Console.Error.WriteLine("predict needs at least one image."); return 2; }
    int top = options.TryGetValue("--top", out var t) ? int.Parse(t, inv) : 3;
    foreach (var path in positional)
    {
        using var scope = NewDisposeScope();
        var image = Image.DecodeImage(File.ReadAllBytes(path), channels: channels);
        var resized = Image.Resize(image.to_type(ScalarType.Float32), height, width).mul(scale).unsqueeze(0);
        var probabilities = model.Predict(resized, verbose: 0).ToArray<float>();
        var best = probabilities.Select((p, i) => (p, i)).OrderByDescending(x => x.p).Take(top);
        Console.WriteLine($"{Path.GetFileName(path)}: " + string.Join(", ", best.Select(x => $"{x.i} ({x.p.ToString("F4", inv)})")));
    }
    return 0;
}

if (!options.TryGetValue("--data", out var data)) { Console.Error.WriteLine("evaluate needs --data DIR."); return 2; }
int batchSize = options.TryGetValue("--batch-size", out var b) ? int.Parse(b, inv) : 32;
var images = Utils.ImageDatasetFromDirectory(data, batchSize: batchSize, imageSize: (height, width), shuffle: false,
    colorMode: channels switch { 1 => "grayscale", 4 => "rgba", _ => "rgb" });
long correct = 0, total = 0;
foreach (var (x, y) in images)
{
    using var scope = NewDisposeScope();
    using var scaled = x.mul(scale);
    var predictions = model.Predict(scaled, batchSize: batchSize, verbose: 0);
    var classes = predictions.shape[^1] == 1
        ? predictions.ToArray<float>().Select(p => p > 0.5f ? 1L : 0L).ToArray()
        : Enumerable.Range(0, (int)predictions.shape[0]).Select(r => (long)ArgMax(predictions, r)).ToArray();
    var labels = y.data<long>().ToArray();
    for (int i = 0; i < labels.Length; i++) if (classes[i] == labels[i]) correct++;
    total += labels.Length;
    x.Dispose();
    y.Dispose();
}
Console.WriteLine($"images: {total} in {images.ClassNames.Count} classes ({string.Join(", ", images.ClassNames)})");
Console.WriteLine($"accuracy: {((double)correct / total).ToString("F4", inv)}");
return 0;

static int ArgMax(NumSharp.NDArray rows, int row)
{
    int classes = (int)rows.shape[^1];
    var values = rows[row].ToArray<float>();
    int best = 0;
    for (int c = 1; c < classes; c++) if (values[c] > values[best]) best = c;
    return best;
}

static double ParseScale(string text)
{
    // Accept "1/255" as well as "0.00392".
    var slash = text.IndexOf('/');
    return slash < 0 ? double.Parse(text, CultureInfo.InvariantCulture)
        : double.Parse(text[..slash], CultureInfo.InvariantCulture) / double.Parse(text[(slash + 1)..], CultureInfo.InvariantCulture);
}
