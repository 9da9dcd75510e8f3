using System.Diagnostics;
using System.Globalization;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Runtime;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// `cnn`: Model.Fit on the tutorial CIFAR-10 CNN against a hand-written TorchSharp loop of the same network
/// (batch 64, random data, Adam 1e-3), in the same process; then the raw loop again in a child process with
/// the library's malloc tuning switched off (PIPELINE_MALLOC_TUNING=0), i.e. TorchSharp's defaults.
/// Options: --rounds N (default 5), --epochs N (epochs of 16 batches per variant and round, default 3),
/// --threads N (libtorch intra-op threads; default: libtorch's choice), --no-child, --raw-only (what the child runs).
/// </summary>
public static class CnnBench
{
    const int BatchSize = 64;
    const int Batches = 16;
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        int rounds = IntOption(args, "--rounds", 5);
        int epochsPerRound = IntOption(args, "--epochs", 3);
        bool rawOnly = args.Contains("--raw-only");
        TorchRuntime.Log = _ => { };
        int threads = IntOption(args, "--threads", 0);
        if (threads > 0) set_num_threads(threads);
        manual_seed(0);

        long n = BatchSize * Batches;
        using var xNhwc = rand(n, 32, 32, 3);
        using var xNchw = xNhwc.permute(0, 3, 1, 2).contiguous();
        using var y = randint(0, 10, [n], dtype: ScalarType.Int64);

        if (args.Contains("--profile"))
        {
            Profile(xNhwc, y);
            return 0;
        }

        if (rawOnly)
        {
            RawLoop(xNchw, y);   // warm-up
            RawLoop(xNchw, y);
            long faults = MinorFaults();
            var samples = Enumerable.Range(0, epochsPerRound).Select(_ => RawLoop(xNchw, y)).ToArray();
            Console.Error.WriteLine($"child: {(MinorFaults() - faults) / epochsPerRound} minor faults per epoch of {Batches} steps");
            Console.WriteLine($"RESULT raw_default {string.Join(' ', samples.Select(v => v.ToString("F0", Inv)))} malloc_tuned={TorchRuntime.MallocTuned}");
            return 0;
        }

        bool child = !args.Contains("--no-child");
        Console.WriteLine($"cnn bench: batch {BatchSize}, epochs of {Batches} batches of random 32x32x3 data, {rounds} rounds x {epochsPerRound} epochs per variant, " +
                          $"torch threads {get_num_threads()}, malloc tuned {TorchRuntime.MallocTuned}");
        using var fitCl = TutorialModel();
        using var fitNchw = FunctionalTutorialModel();
        for (int warm = 0; warm < 2; warm++)
        {
            FitSamplesPerSecond(fitCl, xNhwc, y);
            FitSamplesPerSecond(fitNchw, xNhwc, y);
            RawLoop(xNchw, y);
            RawLoop(xNhwc, y, channelsLast: true);
        }
        Console.WriteLine($"memory after warm-up: {Rss()}");
        foreach (var (name, run) in new (string, Action)[]
        {
            ("Fit", () => FitSamplesPerSecond(fitCl, xNhwc, y)),
            ("raw loop", () => RawLoop(xNchw, y)),
            ("raw loop channels_last", () => RawLoop(xNhwc, y, channelsLast: true)),
        })
        {
            long before = MinorFaults();
            run();
            Console.WriteLine($"minor page faults per epoch of {Batches} steps, {name}: {MinorFaults() - before}");
        }

        // Variants alternate epoch by epoch so machine noise hits them alike; medians per epoch resist outliers.
        var fit = new List<double>();
        var fitNchwResults = new List<double>();
        var raw = new List<double>();
        var rawDefault = new List<double>();
        var rawCl = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            for (int e = 0; e < epochsPerRound; e++)
            {
                fit.Add(FitSamplesPerSecond(fitCl, xNhwc, y));
                raw.Add(RawLoop(xNchw, y));
                fitNchwResults.Add(FitSamplesPerSecond(fitNchw, xNhwc, y));
                rawCl.Add(RawLoop(xNhwc, y, channelsLast: true));
            }
            if (child) rawDefault.AddRange(RunChild(epochsPerRound));
            Console.WriteLine($"round {r + 1}: Fit(channels_last) {Median(fit[^epochsPerRound..]):F0}  raw loop {Median(raw[^epochsPerRound..]):F0}  " +
                              $"Fit(functional) {Median(fitNchwResults[^epochsPerRound..]):F0}  raw loop channels_last {Median(rawCl[^epochsPerRound..]):F0}" +
                              (child ? $"  raw loop, default malloc (child) {Median(rawDefault[^epochsPerRound..]):F0}" : "") + " samples/s");
        }
        Console.WriteLine($"memory after {fit.Count * 4} measured epochs: {Rss()}");
        // Two estimators: the median epoch, and the best epoch (like timeit's min), which this shared 2-core
        // machine's interference (whole epochs 5-10x slower when another process takes a core) cannot inflate.
        foreach (var (label, pick) in new (string, Func<List<double>, double>)[] { ("median", Median), ("best", v => v.Max()) })
        {
            double f = pick(fit), r = pick(raw), nchw = pick(fitNchwResults), rcl = pick(rawCl);
            Console.WriteLine($"RESULT {label} samples/s: Fit {f:F0} | raw loop {r:F0} | Fit(functional) {nchw:F0} | raw loop channels_last {rcl:F0}" +
                              (rawDefault.Count > 0 ? $" | raw loop default malloc (child) {pick(rawDefault):F0}" : ""));
            Console.WriteLine($"RESULT {label} ratios: Fit/raw {f / r:F3} | Fit/raw channels_last (same layout: library overhead) {f / rcl:F3} | " +
                              $"Fit(functional)/raw {nchw / r:F3} | Sequential/functional (Fit) {f / nchw:F3}" +
                              (rawDefault.Count > 0 ? $" | Fit out of the box / raw default settings {f / pick(rawDefault):F2}" : ""));
        }
        return 0;
    }

    /// <summary>The tutorial CNN through the library, as a user writes it, compiled with Adam (shared by the suites).</summary>
    internal static Sequential TutorialModel()
    {
        var model = new Sequential();
        foreach (var layer in new Layer[]
        {
            new Input([32, 32, 3]),
            new Conv2D(32, 3, padding: "same", activation: "relu"),
            new MaxPooling2D(2),
            new Conv2D(64, 3, padding: "same", activation: "relu"),
            new MaxPooling2D(2),
            new Reshape([4096]),
            new Dense(256, activation: "relu"),
            new Dense(10, activation: "softmax"),
        }) model.Add(layer);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    /// <summary>The same network through the functional API (Input, layer.Apply, new Model(inputs, outputs)).</summary>
    internal static Model FunctionalTutorialModel()
    {
        var inputs = new Input([32, 32, 3]);
        var x = new Conv2D(32, 3, padding: "same", activation: "relu").Apply(inputs);
        x = new MaxPooling2D(2).Apply(x);
        x = new Conv2D(64, 3, padding: "same", activation: "relu").Apply(x);
        x = new MaxPooling2D(2).Apply(x);
        x = new Reshape([4096]).Apply(x);
        x = new Dense(256, activation: "relu").Apply(x);
        var outputs = new Dense(10, activation: "softmax").Apply(x);
        var model = new Model(inputs, outputs);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    static double FitSamplesPerSecond(Model model, Tensor x, Tensor y)
    {
        var clock = Stopwatch.StartNew();
        model.Fit(x, y, batchSize: BatchSize, epochs: 1, verbose: 0);
        return x.shape[0] / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The same network written directly against TorchSharp, NCHW, the way its examples do.</summary>
    /// <remarks>
    /// With <c>channelsLast</c> the same module is fed NHWC batches as permuted views and its conv kernels are
    /// re-strided to channels_last: the hand-tuned equivalent of what Fit does by default.
    /// </remarks>
    sealed class RawCnn : nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Conv2d conv1 = nn.Conv2d(3, 32, 3, padding: 1);
        readonly TorchSharp.Modules.Conv2d conv2 = nn.Conv2d(32, 64, 3, padding: 1);
        readonly TorchSharp.Modules.Linear fc1 = nn.Linear(4096, 256);
        readonly TorchSharp.Modules.Linear fc2 = nn.Linear(256, 10);
        readonly bool _channelsLast;

        public RawCnn(bool channelsLast) : base("raw")
        {
            _channelsLast = channelsLast;
            if (channelsLast)
            {
                using (no_grad())
                {
                    conv1.weight = new TorchSharp.Modules.Parameter(conv1.weight!.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2));
                    conv2.weight = new TorchSharp.Modules.Parameter(conv2.weight!.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2));
                }
            }
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(x)), 2);
            x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
            x = _channelsLast ? x.permute(0, 2, 3, 1).flatten(1) : x.flatten(1);
            x = nn.functional.relu(fc1.forward(x));
            return fc2.forward(x);
        }
    }

    static readonly Dictionary<bool, (RawCnn Model, optim.Optimizer Optimizer)> Raw = [];

    /// <summary>One epoch of the hand-written loop; x is NCHW for the plain loop, NHWC for the channels_last one.</summary>
    static double RawLoop(Tensor x, Tensor y, bool channelsLast = false)
    {
        if (!Raw.TryGetValue(channelsLast, out var raw))
        {
            var module = new RawCnn(channelsLast);
            Raw[channelsLast] = raw = (module, optim.Adam(module.parameters(), 1e-3));
        }
        raw.Model.train();
        var clock = Stopwatch.StartNew();
        long samples = 0;
        for (long b = 0; b < x.shape[0]; b += BatchSize)
        {
            using var scope = NewDisposeScope();
            var xb = x.narrow(0, b, BatchSize);
            if (channelsLast) xb = xb.permute(0, 3, 1, 2);
            var yb = y.narrow(0, b, BatchSize);
            var loss = nn.functional.cross_entropy(raw.Model.forward(xb), yb);
            raw.Optimizer.zero_grad();
            loss.backward();
            raw.Optimizer.step();
            _ = loss.item<float>();
            samples += BatchSize;
        }
        return samples / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Where a step's time goes: forward, backward and optimizer step of the channels_last raw loop.</summary>
    static void Profile(Tensor x, Tensor y)
    {
        var module = new RawCnn(channelsLast: true);
        var optimizer = optim.Adam(module.parameters(), 1e-3);
        var times = new List<double[]>();
        for (int i = 0; i < 80; i++)
        {
            using var scope = NewDisposeScope();
            long b = i % Batches * BatchSize;
            var clock = Stopwatch.StartNew();
            var loss = nn.functional.cross_entropy(module.forward(x.narrow(0, b, BatchSize).permute(0, 3, 1, 2)), y.narrow(0, b, BatchSize));
            _ = loss.item<float>();
            double forward = clock.Elapsed.TotalMilliseconds;
            optimizer.zero_grad();
            loss.backward();
            double backward = clock.Elapsed.TotalMilliseconds;
            optimizer.step();
            double step = clock.Elapsed.TotalMilliseconds;
            if (i >= 10) times.Add([forward, backward - forward, step - backward]);
        }
        string Ms(int k) => Median(times.Select(t => t[k]).ToList()).ToString("F2", Inv);
        Console.WriteLine($"median ms per step: forward {Ms(0)}, backward {Ms(1)}, optimizer {Ms(2)}");
    }

    /// <summary>Minor page faults of this process so far (/proc/self/stat field 10).</summary>
    static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], Inv);
    }

    static string Rss()
    {
        var lines = File.ReadAllLines("/proc/self/status");
        string Kb(string key) => lines.First(l => l.StartsWith(key, StringComparison.Ordinal)).Split(':')[1].Trim();
        return $"VmRSS {Kb("VmRSS")}, peak {Kb("VmHWM")}";
    }

    static IEnumerable<double> RunChild(int epochs)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(CnnBench).Assembly.Location);
        foreach (var a in new[] { "cnn", "--raw-only", "--epochs", epochs.ToString(Inv), "--threads", get_num_threads().ToString(Inv) })
            info.ArgumentList.Add(a);
        info.Environment["PIPELINE_MALLOC_TUNING"] = "0";
        using var child = Process.Start(info)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT raw_default", StringComparison.Ordinal));
        if (line is null) throw new InvalidOperationException("the raw-loop child printed no result:\n" + output);
        return line.Split(' ')[2..^1].Select(v => double.Parse(v, Inv)).ToArray();
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    static int IntOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], Inv) : fallback;
    }
}
