using System.Globalization;

/// <summary>
/// Command-line options of FiveWaysCnn (--way, --data, --test, --epochs, --batch-size, --save) and of
/// VisionTransformer, which shares them without --way. Everything is checked here, before any image is read: an
/// unknown option, a bad value, a missing folder or a --save the chosen way cannot honour is an
/// <see cref="ArgumentException"/> naming the argument with the expected and the actual value.
/// </summary>
internal sealed record FiveWaysOptions(string Way, string? DataDir, string? TestDir, int Epochs, int BatchSize, string? SavePath)
{
    /// <summary>The five ways, in the tutorial's order.</summary>
    public static readonly string[] Ways = ["manual", "module", "function", "subclass", "sequential"];

    /// <summary>The ways that build a Keras model, which <c>Model.Save</c> writes; the others train raw Variables.</summary>
    public static readonly string[] SavingWays = ["subclass", "sequential"];

    /// <summary>What a class-per-folder tree must hold: the tutorial network and the ViT both have 10 outputs.</summary>
    public const int Classes = 10;

    /// <summary>The usage line of <paramref name="program"/>.</summary>
    public static string Usage(string program, bool takesWay) =>
        $"usage: {program} {(takesWay ? $"[--way {string.Join('|', Ways)}] " : "")}[--data DIR] [--test DIR] [--epochs N] [--batch-size N] [--save PATH.keras]";

    /// <summary>Parses and checks <paramref name="args"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="takesWay">True for FiveWaysCnn; VisionTransformer has one way and rejects --way.</param>
    /// <exception cref="ArgumentException">Anything wrong, named.</exception>
    public static FiveWaysOptions Parse(string[] args, bool takesWay = true)
    {
        string? way = null, data = null, test = null, save = null;
        int? epochs = null, batch = null;
        for (int i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Positive()
            {
                var value = Next();
                return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n : throw new ArgumentException($"{name} must be a positive integer; got '{value}'.");
            }
            switch (name)
            {
                case "--way" when takesWay: way = Next(); break;
                case "--data": data = Next(); break;
                case "--test": test = Next(); break;
                case "--epochs": epochs = Positive(); break;
                case "--batch-size": batch = Positive(); break;
                case "--save": save = Next(); break;
                default:
                    throw new ArgumentException($"unknown option '{name}'; expected {(takesWay ? "--way, " : "")}--data, --test, --epochs, --batch-size or --save.");
            }
        }

        way ??= takesWay ? "sequential" : "vision-transformer";
        if (takesWay && !Ways.Contains(way))
            throw new ArgumentException($"--way must be {string.Join(", ", Ways)}; got '{way}'.");
        if (save is not null)
        {
            if (takesWay && !SavingWays.Contains(way))
                throw new ArgumentException($"--save works with --way {string.Join(" or ", SavingWays)} (Keras models, saved with Model.Save); --way {way} trains raw Variables, which have no Keras file.");
            if (!save.EndsWith(".keras", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--save must name a .keras file (Keras 3's format); got '{save}'.");
            var folder = Path.GetDirectoryName(Path.GetFullPath(save))!;
            if (!Directory.Exists(folder)) throw new ArgumentException($"--save: folder '{folder}' does not exist.");
        }
        CheckTree("--data", data);
        CheckTree("--test", test);
        return new FiveWaysOptions(way, data, test, epochs ?? 3, batch ?? 64, save);
    }

    /// <summary>A class-per-folder tree with one folder per class; the images themselves are read later.</summary>
    static void CheckTree(string option, string? directory)
    {
        if (directory is null) return;
        if (!Directory.Exists(directory)) throw new ArgumentException($"{option}: folder '{directory}' does not exist.");
        int folders = Directory.GetDirectories(directory).Length;
        if (folders != Classes)
            throw new ArgumentException($"{option}: the network has {Classes} outputs, so '{directory}' must hold {Classes} class folders; it has {folders}.");
    }
}
