using System.Globalization;

/// <summary>Command-line options: --data, --test, --epochs, --route, --out, --batch-size, --samples.</summary>
internal sealed record AugmentationOptions(string? DataDir, string? TestDir, int Epochs, string Route, string OutDir, int BatchSize, int? Samples)
{
    public static readonly string[] Routes = ["none", "image-ops", "layers", "generator"];

    public const string Usage =
        "usage: DataAugmentation [--data DIR] [--test DIR] [--epochs N] [--route none|image-ops|layers|generator|all] [--out DIR] [--batch-size N] [--samples N]";

    /// <summary>The routes to run, in the order the chapter shows them.</summary>
    public IReadOnlyList<string> RoutesToRun => Route == "all" ? Routes : [Route];

    public static AugmentationOptions Parse(string[] args)
    {
        string? data = null, test = null, route = null, output = null;
        int? epochs = null, batch = null, samples = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Positive()
            {
                var name = args[i];
                var value = Next();
                return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n : throw new ArgumentException($"{name} must be a positive integer; got '{value}'.");
            }
            switch (args[i])
            {
                case "--data": data = Next(); break;
                case "--test": test = Next(); break;
                case "--epochs": epochs = Positive(); break;
                case "--route": route = Next(); break;
                case "--out": output = Next(); break;
                case "--batch-size": batch = Positive(); break;
                case "--samples": samples = Positive(); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'.");
            }
        }
        route ??= "all";
        if (route != "all" && !Routes.Contains(route))
            throw new ArgumentException($"--route must be {string.Join(", ", Routes)} or all; got '{route}'.");
        return new AugmentationOptions(data, test, epochs ?? (data is null ? 3 : 10), route,
            output ?? Path.Combine("artifacts", "data-augmentation"), batch ?? 64, samples);
    }
}
