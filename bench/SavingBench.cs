using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;

/// <summary>
/// `saving` suite: save and load time of a 25M-parameter model (ResNet50-sized weights, random values) in each Keras
/// format, against raw I/O of the same float32 bytes, all in one run: saves against a raw write (flushed to disk, as
/// saving flushes); <c>LoadWeights</c> (into a model whose weights exist) against a raw read into existing tensors;
/// <c>LoadModel</c> (which must allocate its weights) against a raw read into freshly allocated tensors. The contenders
/// alternate round by round (so a burst of load on a shared machine hits all of them) and the best round of each
/// counts, with the page cache warm for all. A breakdown of one save and one load follows.
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
            Console.WriteLine($"saving bench: {parameters:N0} parameters ({mib:F1} MiB float32) in {dir}; best of {repeats} alternating rounds; " +
                              $"{Environment.ProcessorCount} cores, torch threads {TorchSharp.torch.get_num_threads()}, load average {PipelineBench.LoadAverage()}");

            var arrays = model.Weights.Select(w => w.Numpy().ToArray<float>()).ToArray();
            var existing = arrays.Select(a => TorchSharp.torch.zeros(a.Length)).ToArray();
            var raw = Path.Combine(dir, "raw.bin");
            var weights = Path.Combine(dir, "model.weights.h5");
            var keras = Path.Combine(dir, "model.keras");
            var legacy = Path.Combine(dir, "model.h5");
            // Each against its honest baseline: saves against the raw write, LoadWeights (its weights exist) against the
            // raw read into existing tensors, LoadModel (it allocates its weights) against the raw read into fresh ones.
            (string Name, string Baseline, Action Action)[] contenders =
            [
                (RawWrite, RawWrite, () =>
                {
                    using var f = new FileStream(raw, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                    foreach (var a in arrays) f.Write(MemoryMarshal.AsBytes(a.AsSpan()));
                    f.Flush(flushToDisk: true);
                }),
                ("SaveWeights .weights.h5", RawWrite, () => model.SaveWeights(weights)),
                ("Save .keras", RawWrite, () => model.Save(keras)),
                ("Save .h5 (Keras 2)", RawWrite, () => model.Save(legacy)),
                (RawExisting, RawExisting, () =>
                {
                    using var f = File.OpenRead(raw);
                    foreach (var t in existing) f.ReadExactly(t.bytes);
                }),
                ("LoadWeights .weights.h5", RawExisting, () => model.LoadWeights(weights)),
                (RawFresh, RawFresh, () =>
                {
                    using var f = File.OpenRead(raw);
                    foreach (var a in arrays)
                    {
                        using var t = TorchSharp.torch.empty(a.Length);
                        f.ReadExactly(t.bytes);
                    }
                }),
                ("LoadModel .keras", RawFresh, () => Models.LoadModel(keras, compile: false).Dispose()),
                ("LoadModel .h5 (Keras 2)", RawFresh, () => Models.LoadModel(legacy, compile: false).Dispose()),
            ];
            var best = contenders.ToDictionary(c => c.Name, _ => double.MaxValue);
            for (int r = 0; r < repeats; r++)
            {
                foreach (var (name, _, action) in contenders) best[name] = Math.Min(best[name], Time(action));
                Console.WriteLine($"round {r + 1} done (load {PipelineBench.LoadAverage()})");
            }
            foreach (var (name, baseline, _) in contenders) Report(name, best[name], mib, best[baseline], BaselineLabels[baseline]);
            foreach (var t in existing) t.Dispose();

            Breakdown(model, dir, repeats, mib);
            Console.WriteLine($"load average at the end: {PipelineBench.LoadAverage()}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    /// <summary>Where the time of a .weights.h5 save and load goes, stage by stage (best of N each), and what LoadModel adds.</summary>
    static void Breakdown(Model model, string dir, int repeats, double mib)
    {
        var path = Path.Combine(dir, "breakdown.weights.h5");
        model.SaveWeights(path);
        Console.WriteLine("breakdown of SaveWeights / LoadWeights (.weights.h5):");
        Stage("copy out in Keras layout (Dense: storage as is)", repeats, mib, () =>
        {
            using var copies = new HostCopies();
            foreach (var e in WeightsBinding.Snapshot(model, includeOptimizer: true, copies))
                foreach (var v in e.Values) v.MakeIfPending();
        });
        using (var copies = new HostCopies())
        {
            var entries = WeightsBinding.Snapshot(model, includeOptimizer: true, copies);
            foreach (var e in entries)
                foreach (var v in e.Values) v.MakeIfPending();
            Stage("PureHDF: HDF5 image into memory", repeats, mib, () =>
            {
                var writer = new H5Writer();
                KerasWeightsFile.Write(writer, entries);
                using var image = new MemoryStream(checked((int)writer.DataBytes + (1 << 20)));
                writer.WriteTo(image);
            });
            Stage("PureHDF: HDF5 file, atomic publish", repeats, mib, () =>
            {
                var writer = new H5Writer();
                KerasWeightsFile.Write(writer, entries);
                FilePublisher.Write(path, writer.WriteTo);
            });
        }
        Stage("PureHDF: open, read the structure (no data)", repeats, mib, () =>
        {
            using var reader = H5Reader.Open(path);
            foreach (var e in KerasWeightsFile.Read(reader).Values) e.Dispose();
        });
        using (var reader = H5Reader.Open(path))
        {
            var read = KerasWeightsFile.Read(reader);
            try
            {
                Stage("check (last elements), read straight into the weights", repeats, mib, () =>
                    WeightsBinding.Load(model, read, path, skipMismatch: false, includeOptimizer: false));
            }
            finally
            {
                foreach (var e in read.Values) e.Dispose();
            }
        }
        var config = ModelConfig.Serialize(model);
        Stage("build the model, initializers run", repeats, mib, () =>
            ModelConfig.DeserializeModel(config, new ConfigBinder(path, null)).Dispose());
        Stage("build the model as LoadModel does (no initializers)", repeats, mib, () =>
        {
            using var loading = WeightsToBeLoaded.Begin();
            ModelConfig.DeserializeModel(config, new ConfigBinder(path, null)).Dispose();
        });
        var keras = Path.Combine(dir, "breakdown.keras");
        model.Save(keras);
        Stage(".keras: open the zip (member copied out, CRC-32 checked)", repeats, mib, () => KerasArchive.Open(keras).Dispose());
    }

    static void Stage(string what, int repeats, double mib, Action action)
    {
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++) best = Math.Min(best, Time(action));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-56} {best * 1000,8:F0} ms  {mib / best,8:F0} MiB/s"));
    }

    static double Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalSeconds;
    }

    const string RawWrite = "raw write (flushed)";
    const string RawExisting = "raw read into existing tensors";
    const string RawFresh = "raw read into fresh tensors";

    /// <summary>How the report names each baseline after a ratio.</summary>
    static readonly Dictionary<string, string> BaselineLabels = new()
    {
        [RawWrite] = "raw write",
        [RawExisting] = "raw read, existing",
        [RawFresh] = "raw read, fresh",
    };

    static void Report(string what, double seconds, double mib, double rawSeconds, string baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-31} {seconds * 1000,8:F0} ms  {mib / seconds,8:F0} MiB/s  {seconds / rawSeconds,5:F2}x {baseline}"));

}
