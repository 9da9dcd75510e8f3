using System.Globalization;
using Pipeline;

/// <summary>
/// The command line of KerasFiles, checked completely (every option, value, file and folder) before a model is read,
/// so a typo costs nothing and is named in a one-line error.
/// </summary>
internal sealed record KerasFilesOptions(
    string Command, string ModelFile, IReadOnlyList<string> Images, string? DataDir,
    int? ImageSize, double Scale, int Top, int BatchSize, string Interpolation)
{
    public const string Usage =
        "usage: KerasFiles summary FILE | predict FILE IMAGE... [--image-size N] [--scale F] [--top K] [--interpolation nearest|bilinear] | " +
        "evaluate FILE --data DIR [--image-size N] [--scale F] [--batch-size N] [--interpolation nearest|bilinear]";

    /// <summary>
    /// The default resize, as Keras's <c>load_img</c> and <c>ImageDataGenerator.flow_from_directory</c> (the way most
    /// Keras 2 models were fed); <c>image_dataset_from_directory</c> defaults to "bilinear" instead.
    /// </summary>
    public const string DefaultInterpolation = "nearest";

    static readonly Dictionary<string, string[]> OptionsOf = new(StringComparer.Ordinal)
    {
        ["summary"] = [],
        ["predict"] = ["--image-size", "--scale", "--top", "--interpolation"],
        ["evaluate"] = ["--data", "--image-size", "--scale", "--batch-size", "--interpolation"],
    };

    /// <summary>Parses and checks <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">Anything wrong, named with the expected and the actual value.</exception>
    public static KerasFilesOptions Parse(string[] args)
    {
        if (args.Length == 0) throw new ArgumentException("no command given; expected summary, predict or evaluate.");
        var command = args[0];
        if (!OptionsOf.TryGetValue(command, out var allowed))
            throw new ArgumentException($"unknown command '{command}'; expected summary, predict or evaluate.");

        var positional = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) { positional.Add(arg); continue; }
            if (!allowed.Contains(arg))
                throw new ArgumentException($"{command}: unknown option '{arg}'; expected {(allowed.Length == 0 ? "none" : string.Join(", ", allowed))}.");
            if (i + 1 >= args.Length) throw new ArgumentException($"{command}: {arg} needs a value.");
            if (!values.TryAdd(arg, args[++i])) throw new ArgumentException($"{command}: {arg} is given twice.");
        }

        if (positional.Count == 0) throw new ArgumentException($"{command}: no model FILE given (a .keras or full-model .h5 file).");
        var modelFile = positional[0];
        var images = positional.Skip(1).ToList();
        if (command != "predict" && images.Count > 0)
            throw new ArgumentException($"{command} takes one FILE; got {positional.Count} arguments ('{string.Join("', '", positional)}').");
        if (command == "predict" && images.Count == 0) throw new ArgumentException("predict: no IMAGE given after the model file.");
        if (command == "evaluate" && !values.ContainsKey("--data")) throw new ArgumentException("evaluate: --data DIR (one sub-folder per class) is required.");

        int? imageSize = values.TryGetValue("--image-size", out var size) ? Positive("--image-size", size) : null;
        double scale = values.TryGetValue("--scale", out var s) ? ParseScale(s) : 1.0 / 255;
        int top = values.TryGetValue("--top", out var t) ? Positive("--top", t) : 3;
        int batchSize = values.TryGetValue("--batch-size", out var b) ? Positive("--batch-size", b) : 32;
        var interpolation = values.GetValueOrDefault("--interpolation", DefaultInterpolation);
        if (!Image.ResizeMethods.Contains(interpolation))
            throw new ArgumentException($"--interpolation must be one of {string.Join(", ", Image.ResizeMethods)}; got '{interpolation}'.");

        // The files last: a wrong option is reported even when a path is wrong too.
        if (!File.Exists(modelFile)) throw new ArgumentException($"model file '{modelFile}' does not exist.");
        foreach (var image in images)
            if (!File.Exists(image)) throw new ArgumentException($"image file '{image}' does not exist.");
        var data = values.GetValueOrDefault("--data");
        if (data is not null && !Directory.Exists(data)) throw new ArgumentException($"--data: folder '{data}' does not exist.");

        return new KerasFilesOptions(command, modelFile, images, data, imageSize, scale, top, batchSize, interpolation);
    }

    static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : throw new ArgumentException($"{name} must be a positive integer; got '{value}'.");

    /// <summary>A positive number, written as a decimal ("0.00392") or a fraction ("1/255", "1/127.5").</summary>
    static double ParseScale(string text)
    {
        static bool Number(string s, out double v) =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);
        var slash = text.IndexOf('/');
        double value = double.NaN;
        bool ok = slash < 0
            ? Number(text, out value)
            : Number(text[..slash], out var numerator) && Number(text[(slash + 1)..], out var denominator) && denominator != 0
              && double.IsFinite(value = numerator / denominator);
        return ok && value > 0 ? value
            : throw new ArgumentException($"--scale must be a positive number or fraction such as 1/255; got '{text}'.");
    }
}
