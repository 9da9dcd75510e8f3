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
/// Options: --rounds N (alternating rounds, default 3), --seconds S (per measurement, default 6),
/// --no-child, --raw-only (what the child runs).
/// </summary>
public static class CnnBench
{
    const int BatchSize = 64;
    const int Batches = 16;
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        int rounds = IntOption(args, "--rounds", 3);
        double seconds = IntOption(args, "--seconds", 6);
        bool rawOnly = args.Contains("--raw-only");
        TorchRuntime.Log = _ => { };
        manual_seed(0);

        long n = BatchSize * Batches;
        using var xNhwc = rand(n, 32, 32, 3);
        using var xNchw = xNhwc.permute(0, 3, 1, 2).contiguous();
        using var y = randint(0, 10, [n], dtype: ScalarType.Int64);

        if (rawOnly)
        {
            RawLoop(xNchw, y, 1.0);   // warm-up
            var samples = Enumerable.Range(0, rounds).Select(_ => RawLoop(xNchw, y, seconds)).ToList();
            Console.WriteLine($"RESULT raw_default {Median(samples).ToString("F0", Inv)} malloc_tuned={TorchRuntime.MallocTuned}");
            return 0;
        }

        Console.WriteLine($"cnn bench: batch {BatchSize}, {Batches} batches of random 32x32x3 data, {rounds} alternating rounds of ~{seconds}s, " +
                          $"torch threads {get_num_threads()}, malloc tuned {TorchRuntime.MallocTuned}");
        using var fitCl = TutorialModel(channelsLast: true);
        using var fitNchw = TutorialModel(channelsLast: false);
        FitSamplesPerSecond(fitCl, xNhwc, y, 1.0);
        FitSamplesPerSecond(fitNchw, xNhwc, y, 1.0);
        RawLoop(xNchw, y, 1.0);

        var fit = new List<double>();
        var fitNchwResults = new List<double>();
        var raw = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            fit.Add(FitSamplesPerSecond(fitCl, xNhwc, y, seconds));
            raw.Add(RawLoop(xNchw, y, seconds));
            fitNchwResults.Add(FitSamplesPerSecond(fitNchw, xNhwc, y, seconds));
            Console.WriteLine($"round {r + 1}: Fit(channels_last) {fit[^1]:F0}  raw loop {raw[^1]:F0}  Fit(NCHW) {fitNchwResults[^1]:F0} samples/s");
        }
        double fitMedian = Median(fit), rawMedian = Median(raw), nchwMedian = Median(fitNchwResults);
        Console.WriteLine($"RESULT fit_channels_last {fitMedian:F0} samples/s");
        Console.WriteLine($"RESULT fit_nchw {nchwMedian:F0} samples/s");
        Console.WriteLine($"RESULT raw_same_process {rawMedian:F0} samples/s");
        Console.WriteLine($"RESULT ratio fit/raw (same settings) {fitMedian / rawMedian:F3}");
        Console.WriteLine($"RESULT ratio channels_last/nchw {fitMedian / nchwMedian:F3}");

        if (!args.Contains("--no-child"))
        {
            var rawDefault = RunChild(rounds, seconds);
            if (rawDefault is double d)
            {
                Console.WriteLine($"RESULT raw_default_settings (child, PIPELINE_MALLOC_TUNING=0) {d:F0} samples/s");
                Console.WriteLine($"RESULT ratio fit (out of the box) / raw (default settings) {fitMedian / d:F2}");
            }
        }
        return 0;
    }

    /// <summary>The tutorial CNN through the library, as a user writes it.</summary>
    static Sequential TutorialModel(bool channelsLast)
    {
        var model = new Sequential { ChannelsLast = channelsLast };
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

    static double FitSamplesPerSecond(Sequential model, Tensor x, Tensor y, double seconds)
    {
        var clock = Stopwatch.StartNew();
        long samples = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            model.Fit(x, y, batchSize: BatchSize, epochs: 1, verbose: 0);
            samples += x.shape[0];
        }
        return samples / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The same network written directly against TorchSharp, NCHW, the way its examples do.</summary>
    sealed class RawCnn : nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Conv2d conv1 = nn.Conv2d(3, 32, 3, padding: 1);
        readonly TorchSharp.Modules.Conv2d conv2 = nn.Conv2d(32, 64, 3, padding: 1);
        readonly TorchSharp.Modules.Linear fc1 = nn.Linear(4096, 256);
        readonly TorchSharp.Modules.Linear fc2 = nn.Linear(256, 10);

        public RawCnn() : base("raw") => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            x = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(x)), 2);
            x = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(x)), 2);
            x = nn.functional.relu(fc1.forward(x.flatten(1)));
            return fc2.forward(x);
        }
    }

    static RawCnn? _raw;
    static optim.Optimizer? _rawOptimizer;

    static double RawLoop(Tensor x, Tensor y, double seconds)
    {
        _raw ??= new RawCnn();
        _rawOptimizer ??= optim.Adam(_raw.parameters(), 1e-3);
        _raw.train();
        var clock = Stopwatch.StartNew();
        long samples = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (long b = 0; b < x.shape[0]; b += BatchSize)
            {
                using var scope = NewDisposeScope();
                var xb = x.narrow(0, b, BatchSize);
                var yb = y.narrow(0, b, BatchSize);
                var loss = nn.functional.cross_entropy(_raw.forward(xb), yb);
                _rawOptimizer.zero_grad();
                loss.backward();
                _rawOptimizer.step();
                _ = loss.item<float>();
                samples += BatchSize;
            }
        }
        return samples / clock.Elapsed.TotalSeconds;
    }

    static double? RunChild(int rounds, double seconds)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(CnnBench).Assembly.Location);
        foreach (var a in new[] { "cnn", "--raw-only", "--rounds", rounds.ToString(Inv), "--seconds", seconds.ToString(Inv) }) info.ArgumentList.Add(a);
        info.Environment["PIPELINE_MALLOC_TUNING"] = "0";
        using var child = Process.Start(info)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT raw_default", StringComparison.Ordinal));
        Console.WriteLine($"child: {line}");
        return line is null ? null : double.Parse(line.Split(' ')[2], Inv);
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
