using System.Globalization;
using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

/// <summary>
/// KerasFiles' three commands on any Keras model file (a Keras 3 .keras zip or a Keras 2 full-model .h5). Everything
/// goes to the two writers it is given, so the tests run it in-process; bad input ends in one line on
/// <c>error</c> and a non-zero exit code: 2 for the command line, 1 for a file that cannot be used.
/// </summary>
internal static class KerasFilesCommand
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Runs the command line <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        KerasFilesOptions options;
        try
        {
            options = KerasFilesOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"KerasFiles: {e.Message}");
            if (args.Length == 0) error.WriteLine(KerasFilesOptions.Usage);
            return 2;
        }

        try
        {
            return Execute(options, output, error);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // KerasFileException (an IOException) names the file, layer and weight; the rest name their file below.
            error.WriteLine($"KerasFiles: {OneLine(e.Message)}");
            return 1;
        }
        catch (DatasetException e) when (e.InnerException is InvalidDataException or IOException)
        {
            // An image in the --data tree that does not decode: the inner message names the file.
            error.WriteLine($"KerasFiles: {OneLine(e.InnerException.Message)}");
            return 1;
        }
    }

    static int Execute(KerasFilesOptions options, TextWriter output, TextWriter error)
    {
        using var model = Models.LoadModel(options.ModelFile, compile: false);
        if (options.Command == "summary")
        {
            model.Summary(output.WriteLine);
            return 0;
        }

        // Image models only: one (height, width, channels) input, one output of class scores.
        if (model.Inputs.Count > 1 || model.Outputs.Count > 1)
            return Fail(error, $"{options.Command} works on models with one image input and one output; '{options.ModelFile}' has {model.Inputs.Count} inputs and {model.Outputs.Count} outputs.");
        var inputShape = model.Inputs.Count == 1 ? model.Inputs[0].Shape : model.InputShape;
        if (inputShape is not { Count: 3 } || inputShape[2] is not (1 or 3 or 4))
            return Fail(error, $"{options.Command} works on image models with (height, width, channels) inputs of 1, 3 or 4 channels; '{options.ModelFile}' takes {(inputShape is null ? "an unknown shape" : Layer.ShapeText(inputShape))}.");
        int height = options.ImageSize ?? inputShape[0], width = options.ImageSize ?? inputShape[1], channels = inputShape[2];
        if (height <= 0 || width <= 0)
            return Fail(error, $"'{options.ModelFile}' takes images of any size ({Layer.ShapeText(inputShape)}); give one with --image-size N.");

        return options.Command == "predict"
            ? Predict(model, options, height, width, channels, output, error)
            : Evaluate(model, options, height, width, channels, output, error);
    }

    static int Predict(Model model, KerasFilesOptions options, int height, int width, int channels, TextWriter output, TextWriter error)
    {
        foreach (var path in options.Images)
        {
            using var scope = NewDisposeScope();
            Tensor image;
            try
            {
                image = Image.DecodeImage(File.ReadAllBytes(path), channels: channels);
            }
            catch (InvalidDataException e)
            {
                return Fail(error, $"image file '{path}' cannot be read as an image: {OneLine(e.Message)}");
            }
            // The resize Keras's load_img does (--interpolation), then the 0..255 pixels times --scale.
            var resized = Image.Resize(image.to_type(ScalarType.Float32), height, width, method: options.Interpolation).mul(options.Scale).unsqueeze(0);
            var probabilities = model.Predict(resized, verbose: 0).ToArray<float>();
            var best = probabilities.Select((p, i) => (p, i)).OrderByDescending(x => x.p).Take(options.Top);
            output.WriteLine($"{Path.GetFileName(path)}: " + string.Join(", ", best.Select(x => $"{x.i} ({x.p.ToString("F4", Inv)})")));
        }
        return 0;
    }

    static int Evaluate(Model model, KerasFilesOptions options, int height, int width, int channels, TextWriter output, TextWriter error)
    {
        ImageDirectoryDataset images;
        try
        {
            images = Utils.ImageDatasetFromDirectory(options.DataDir!, batchSize: options.BatchSize, imageSize: (height, width), shuffle: false,
                colorMode: channels switch { 1 => "grayscale", 4 => "rgba", _ => "rgb" }, interpolation: options.Interpolation);
        }
        catch (ArgumentException e)
        {
            // A tree without class sub-folders or without images: the message names the folder.
            return Fail(error, $"--data: {OneLine(e.Message)}");
        }

        // Folder i is class i: the model must score exactly as many classes as there are folders (one sigmoid output
        // scores two). Checked before any image is decoded.
        var outputShape = model.Outputs.Count == 1 ? model.Outputs[0].Shape : model.OutputShape;
        int outputs = outputShape is { Count: > 0 } ? outputShape[^1] : -1;
        int classes = outputs == 1 ? 2 : outputs;
        if (classes != images.ClassNames.Count)
            return Fail(error, $"evaluate: '{options.ModelFile}' scores {classes} classes (output shape {(outputShape is null ? "unknown" : Layer.ShapeText(outputShape))}) " +
                               $"but --data '{options.DataDir}' has {images.ClassNames.Count} class folders ({Names(images.ClassNames)}).");

        long correct = 0, total = 0;
        foreach (var (x, y) in images)
        {
            using var scope = NewDisposeScope();
            using var batch = x;
            using var batchLabels = y;
            using var scaled = x.mul(options.Scale);
            var predictions = model.Predict(scaled, batchSize: options.BatchSize, verbose: 0);
            var scores = predictions.ToArray<float>();
            var labels = batchLabels.data<long>().ToArray();
            for (int i = 0; i < labels.Length; i++)
            {
                long predicted = outputs == 1 ? (scores[i] > 0.5f ? 1 : 0) : ArgMax(scores, i * outputs, outputs);
                if (predicted == labels[i]) correct++;
            }
            total += labels.Length;
        }
        output.WriteLine($"images: {total} in {images.ClassNames.Count} classes ({string.Join(", ", images.ClassNames)})");
        output.WriteLine($"accuracy: {((double)correct / total).ToString("F4", Inv)}");
        return 0;
    }

    static long ArgMax(float[] scores, int offset, int count)
    {
        int best = 0;
        for (int c = 1; c < count; c++) if (scores[offset + c] > scores[offset + best]) best = c;
        return best;
    }

    /// <summary>The class folders, the first ten of a long list.</summary>
    static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(10)) + (names.Count > 10 ? $", ... ({names.Count - 10} more)" : "");

    static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"KerasFiles: {message}");
        return 1;
    }

    static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
