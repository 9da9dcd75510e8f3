using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Pipeline.Models;
using Pipeline.Models.Layers;

/// <summary>
/// `saving` suite: save and load time of a 25M-parameter model (ResNet50-sized weights, random values) in each Keras
/// format, against a raw write (flushed to disk, as saving flushes) and a raw read of the same float32 bytes in the
/// same run. Best of N, so the page cache is warm for both contenders.
/// Usage: dotnet run -c Release --project bench -- saving [--repeats 5] [--dir /tmp]
/// </summary>
public static class SavingBench
{
    /// <summary>Runs the suite and prints one line per figure.</summary>
    /// <param name="args">Options, see the class summary.</param>
    /// <returns>0 on success.</returns>
    public static int Run(string[] args)
    {
        int repeats = args.SkipWhile(a => a != "--repeats").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(5);
        var baseDir = args.SkipWhile(a => a != "--dir").Skip(1).FirstOrDefault() ?? Path.GetTempPath();
        var dir = Path.Combine(baseDir, "saving-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using var model = new Sequential(
            [
                new Input([2048]),
                new Dense(4096, activation: "relu"),
                new Dense(4096, activation: "relu"),
                new Dense(10, activation: "softmax"),
            ]);
            model.Compile("adam", "sparse_categorical_crossentropy");
            long parameters = model.CountParams();
            double mib = parameters * 4 / 1048576.0;
            Console.WriteLine($"saving bench: {parameters:N0} parameters ({mib:F1} MiB float32) in {dir}; best of {repeats}; {Environment.ProcessorCount} cores");

            var arrays = model.Weights.Select(w => w.Numpy().ToArray<float>()).ToArray();
            var raw = Path.Combine(dir, "raw.bin");
            double rawWrite = Best(repeats, () =>
            {
                using var f = new FileStream(raw, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                foreach (var a in arrays) f.Write(MemoryMarshal.AsBytes(a.AsSpan()));
                f.Flush(flushToDisk: true);
            });
            double rawRead = Best(repeats, () =>
            {
                using var f = File.OpenRead(raw);
                foreach (var a in arrays)
                {
                    var copy = new float[a.Length];
                    f.ReadExactly(MemoryMarshal.AsBytes(copy.AsSpan()));
                }
            });
            Report("raw write (flushed)", rawWrite, mib, rawWrite);
            Report("raw read", rawRead, mib, rawRead);

            var weights = Path.Combine(dir, "model.weights.h5");
            Report("SaveWeights .weights.h5", Best(repeats, () => model.SaveWeights(weights)), mib, rawWrite);
            Report("LoadWeights .weights.h5", Best(repeats, () => model.LoadWeights(weights)), mib, rawRead);
            var keras = Path.Combine(dir, "model.keras");
            Report("Save .keras", Best(repeats, () => model.Save(keras)), mib, rawWrite);
            Report("LoadModel .keras", Best(repeats, () => Models.LoadModel(keras, compile: false).Dispose()), mib, rawRead);
            var legacy = Path.Combine(dir, "model.h5");
            Report("Save .h5 (Keras 2)", Best(repeats, () => model.Save(legacy)), mib, rawWrite);
            Report("LoadModel .h5 (Keras 2)", Best(repeats, () => Models.LoadModel(legacy, compile: false).Dispose()), mib, rawRead);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    static double Best(int repeats, Action action)
    {
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    static void Report(string what, double seconds, double mib, double rawSeconds) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-28} {seconds * 1000,8:F0} ms  {mib / seconds,8:F0} MiB/s  {seconds / rawSeconds,5:F2}x raw"));
}
