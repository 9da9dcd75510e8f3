using System.Globalization;

/// <summary>Command-line options of the transfer-learning sample.</summary>
internal sealed record TransferLearningOptions(string DataDir, string TestDir, string Weights, int Epochs, int FineTuneEpochs, int BatchSize, int ImageSize)
{
    const string Usage = "usage: TransferLearning [--data DIR] [--test DIR] [--weights imagenet|PATH] [--epochs N] [--fine-tune-epochs N] [--batch-size N] [--image-size N]";

    public static TransferLearningOptions? Parse(string[] args)
    {
        string? data = null, test = null, weights = null;
        int epochs = 10, fineTuneEpochs = 5, batch = 32, size = 224;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--data": data = Next(); break;
                    case "--test": test = Next(); break;
                    case "--weights": weights = Next(); break;
                    case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--fine-tune-epochs": fineTuneEpochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--batch-size": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--image-size": size = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--help" or "-h": Console.WriteLine(Usage); return null;
                    default: throw new ArgumentException($"unknown option '{args[i]}'.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"TransferLearning: {e.Message}");
                Console.Error.WriteLine(Usage);
                return null;
            }
        }
        var shared = SharedDir();
        data ??= shared is null ? null : Path.Combine(shared, "fixtures", "cats-vs-dogs", "train");
        if (data is null || !Directory.Exists(data))
        {
            Console.Error.WriteLine($"TransferLearning: no training images{(data is null ? "" : $" at {data}")}; pass --data DIR (one sub-folder per class).");
            Console.Error.WriteLine(Usage);
            return null;
        }
        // The test set: --test, else a "test" folder beside the training folder (cats-vs-dogs/train -> cats-vs-dogs/test).
        test ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(data).TrimEnd('/'))!, "test");
        if (!Directory.Exists(test))
        {
            Console.Error.WriteLine($"TransferLearning: no test images at {test}; pass --test DIR.");
            return null;
        }
        // The weights: --weights, else the MobileNet 0.25 ImageNet file in shared/fixtures (offline), else Keras's download.
        var fixture = shared is null ? null : Path.Combine(shared, "fixtures", "keras-mobilenet-imagenet-notop", "mobilenet_2_5_224_tf_no_top.h5");
        weights ??= fixture is not null && File.Exists(fixture) ? fixture : "imagenet";
        return new TransferLearningOptions(data, test, weights, epochs, fineTuneEpochs, batch, size);
    }

    /// <summary>The shared data folder: PIPELINE_SHARED_DIR, else a "shared" folder beside the clone (or above it).</summary>
    static string? SharedDir()
    {
        var env = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR");
        if (!string.IsNullOrEmpty(env)) return env;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "shared", "fixtures")))
                    return Path.Combine(dir.FullName, "shared");
        return null;
    }
}
