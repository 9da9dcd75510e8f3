using System.Globalization;

/// <summary>Command-line options of the QuickStart.</summary>
internal sealed record QuickStartOptions(string? DataDir, int Epochs, int BatchSize, int Samples, double ValidationSplit)
{
    public static QuickStartOptions? Parse(string[] args)
    {
        string? data = null;
        int? epochs = null, batch = null, samples = null;
        double? split = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--data": data = Next(); break;
                    case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--batch-size": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--samples": samples = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--validation-split": split = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default: throw new ArgumentException($"unknown option '{args[i]}'.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"QuickStart: {e.Message}");
                Console.Error.WriteLine("usage: QuickStart [--data DIR] [--epochs N] [--batch-size N] [--samples N] [--validation-split F]");
                return null;
            }
        }
        return new QuickStartOptions(
            data,
            epochs ?? (data is null ? 5 : 10),
            batch ?? (data is null ? 64 : 32),
            samples ?? 10_000,
            split ?? (data is null ? 0.2 : 0.1));
    }
}
