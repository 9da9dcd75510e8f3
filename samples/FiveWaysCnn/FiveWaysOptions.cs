/// <summary>Command-line options: --way, --data, --test, --epochs, --batch-size, --save.</summary>
internal sealed record FiveWaysOptions(string Way, string? DataDir, string? TestDir, int Epochs, int BatchSize, string? SavePath)
{
    public static FiveWaysOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            int i = Array.IndexOf(args, name);
            if (i < 0) return null;
            if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value.");
            return args[i + 1];
        }
        int Int(string name, int fallback)
        {
            var v = Value(name);
            if (v is null) return fallback;
            return int.TryParse(v, out var n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive integer; got '{v}'.");
        }
        var way = Value("--way") ?? "sequential";
        return new FiveWaysOptions(way, Value("--data"), Value("--test"), Int("--epochs", 3), Int("--batch-size", 64), Value("--save"));
    }
}
