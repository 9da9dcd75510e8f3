using System.Diagnostics;
using System.Globalization;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Models.Losses;
using Pipeline.Models.Metrics;
using Pipeline.Models.Optimizers;
using Pipeline.Runtime;
using static TorchSharp.torch;

/// <summary>
/// `models`: the ways of building and training one network, against each other and against PyTorch (issue 7 item 8).
/// <list type="bullet">
/// <item>`ways`: the tutorial CIFAR-10 CNN as Sequential, functional and subclassed Model, each through Fit, and a
/// GradientTape loop over the Sequential model's layers (shuffled batches, loss object, ApplyGradients, loss and
/// accuracy metrics: what Fit does, written by hand).</item>
/// <item>`peer`: Fit on the CNN and on the sample's ViT (patch 4, dim 64, 4 heads, 4 blocks) against
/// ../shared/peer-bench/bench_torch.py, run in between (twice per round: glibc's default malloc, then the kept-memory
/// settings of its README), plus a hand-written TorchSharp ViT that mirrors the PyTorch one line for line.</item>
/// <item>`step`: one hand-written training step of the tutorial CNN (ways 1-3) against candidate speed-ups (ModelsBenchStep.cs).</item>
/// </list>
/// Batch 64, Adam 1e-3, random 32x32x3 data, 16 steps per epoch; contenders alternate epoch by epoch.
/// Options: ways|peer|step|all (default all), --rounds N (default 3), --epochs N (per contender and round, default 3),
/// --threads N (default 2), --python PATH (/usr/bin/python3), --peer-script PATH.
/// </summary>
public static partial class ModelsBench
{
    const int BatchSize = 64;
    const int Batches = 16;
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        string what = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
        int rounds = IntOption(args, "--rounds", 3);
        int epochs = IntOption(args, "--epochs", 3);
        int threads = IntOption(args, "--threads", 2);
        TorchRuntime.Log = _ => { };
        set_num_threads(threads);
        manual_seed(0);
        Console.WriteLine($"models bench: batch {BatchSize}, {Batches} steps per epoch, {rounds} rounds x {epochs} epochs per contender, " +
                          $"torch threads {get_num_threads()}, malloc tuned {TorchRuntime.MallocTuned}, load average {LoadAverage()}");
        using var x = rand(BatchSize * Batches, 32, 32, 3);
        using var y = randint(0, 10, [BatchSize * Batches], dtype: ScalarType.Int64);
        if (what is "ways" or "all") Ways(x, y, rounds, epochs);
        if (what is "peer" or "all") Peer(x, y, rounds, epochs, threads, args);
        if (what is "step" or "all") Step(x, y, rounds, epochs);
        Console.WriteLine($"load average at the end: {LoadAverage()}");
        return 0;
    }

    // ------------------------------------------------------------------------------------------------ ways

    static void Ways(Tensor x, Tensor y, int rounds, int epochs)
    {
        using var sequential = CnnBench.TutorialModel();
        using var functional = CnnBench.FunctionalTutorialModel();
        using var subclassed = new SubclassedCnn();
        subclassed.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        using var tapeModel = CnnBench.TutorialModel();
        var tape = new TapeLoop(tapeModel);
        var contenders = new (string Name, Func<double> Epoch)[]
        {
            ("Sequential Fit", () => FitEpoch(sequential, x, y)),
            ("functional Fit", () => FitEpoch(functional, x, y)),
            ("subclassed Fit", () => FitEpoch(subclassed, x, y)),
            ("GradientTape loop", () => tape.Epoch(x, y)),
        };
        var results = Alternate(contenders, rounds, epochs, warmup: 2);
        Report(results, "Sequential Fit", ["functional Fit", "subclassed Fit"]);
        Report(results, "Sequential Fit", ["GradientTape loop"], header: false);
    }

    /// <summary>
    /// The tutorial's custom training loop (TF's "writing a training loop from scratch"): shuffled batches, forward
    /// under a GradientTape, the loss object, ApplyGradients, loss and accuracy metrics updated per step.
    /// </summary>
    sealed class TapeLoop(Model model)
    {
        readonly Adam _optimizer = new();
        readonly SparseCategoricalCrossentropy _loss = new();
        readonly Mean _lossMetric = new();
        readonly SparseCategoricalAccuracy _accuracy = new();

        public double Epoch(Tensor x, Tensor y)
        {
            var clock = Stopwatch.StartNew();
            long n = x.shape[0];
            _lossMetric.ResetState();
            _accuracy.ResetState();
            using var order = randperm(n);
            var variables = model.TrainableWeights;
            for (long b = 0; b < n; b += BatchSize)
            {
                using var scope = NewDisposeScope();
                var index = order.narrow(0, b, Math.Min(BatchSize, n - b));
                var xb = x.index_select(0, index);
                var yb = y.index_select(0, index);
                using var tape = new GradientTape();
                var predictions = model.Apply(xb, training: true);
                var loss = _loss.Call(yb, predictions);
                _optimizer.ApplyGradients(tape.Gradient(loss, variables), variables);
                _lossMetric.UpdateState(loss);
                _accuracy.UpdateState(yb, predictions);
            }
            _ = _lossMetric.Result() + _accuracy.Result();
            return n / clock.Elapsed.TotalSeconds;
        }
    }

    // ------------------------------------------------------------------------------------------------ peer

    static void Peer(Tensor x, Tensor y, int rounds, int epochs, int threads, string[] args)
    {
        string python = StringOption(args, "--python") ?? "/usr/bin/python3";
        string script = StringOption(args, "--peer-script") ?? Path.Combine(SharedDir(), "peer-bench", "bench_torch.py");
        if (!File.Exists(script)) throw new FileNotFoundException($"models bench: the peer script is not at '{script}' (pass --peer-script).", script);
        using var cnn = CnnBench.TutorialModel();
        using var vit = VisionTransformerModel.Create();
        vit.Compile(new Adam(), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
        var raw = new RawVit();
        var rawOptimizer = optim.Adam(raw.parameters(), 1e-3);
        using var xNchw = x.permute(0, 3, 1, 2).contiguous();
        Console.WriteLine($"ViT: {vit.CountParams():N0} parameters (Fit), {raw.parameters().Sum(p => p.numel()):N0} (raw TorchSharp)");

        // The peer's environments: OpenBLAS as its README selects, glibc's default malloc, then kept memory.
        var blas = new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = "/usr/lib/x86_64-linux-gnu/openblas-openmp" };
        var kept = new Dictionary<string, string>(blas) { ["MALLOC_MMAP_THRESHOLD_"] = "33554432", ["MALLOC_TRIM_THRESHOLD_"] = "4294967296" };
        // The CNN command also times inference afterwards; --isteps 1 --ibatch 8 keeps that negligible.
        string Steps(string model) => $"{model} --threads {threads} --steps {Batches} --reps {epochs} --warmup 3 --isteps 1 --ibatch 8";
        var contenders = new (string Name, Func<IEnumerable<double>> Run)[]
        {
            ("CNN Fit", () => Repeat(epochs, () => FitEpoch(cnn, x, y))),
            ("CNN PyTorch default malloc", () => PeerRun(python, script, Steps("cnn"), blas, "cnn_train")),
            ("CNN PyTorch kept memory", () => PeerRun(python, script, Steps("cnn"), kept, "cnn_train")),
            ("ViT Fit", () => Repeat(epochs, () => FitEpoch(vit, x, y))),
            ("ViT raw TorchSharp", () => Repeat(epochs, () => RawEpoch(raw, rawOptimizer, xNchw, y))),
            ("ViT PyTorch default malloc", () => PeerRun(python, script, Steps("vit"), blas, "vit_train")),
            ("ViT PyTorch kept memory", () => PeerRun(python, script, Steps("vit"), kept, "vit_train")),
        };
        for (int w = 0; w < 2; w++)
        {
            FitEpoch(cnn, x, y);
            FitEpoch(vit, x, y);
            RawEpoch(raw, rawOptimizer, xNchw, y);
        }
        var results = contenders.ToDictionary(c => c.Name, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            foreach (var (name, run) in contenders) results[name].AddRange(run());
            Console.WriteLine($"round {r + 1} (load {LoadAverage()}): " + string.Join(" | ", contenders.Select(c => $"{c.Name} {Median(results[c.Name][^epochs..]):F0}")) + " samples/s");
        }
        Report(results, "CNN Fit", ["CNN PyTorch default malloc", "CNN PyTorch kept memory"], invert: true);
        Report(results, "ViT Fit", ["ViT PyTorch default malloc", "ViT PyTorch kept memory", "ViT raw TorchSharp"], header: false, invert: true);
    }

    /// <summary>Runs bench_torch.py once; its per-rep samples/s lines are the epochs.</summary>
    static IEnumerable<double> PeerRun(string python, string script, string arguments, Dictionary<string, string> environment, string result)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var a in arguments.Split(' ')) info.ArgumentList.Add(a);
        foreach (var (k, v) in environment) info.Environment[k] = v;
        using var child = Process.Start(info)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0 || !output.Contains($"RESULT py {result}", StringComparison.Ordinal))
            throw new InvalidOperationException($"{python} {script} {arguments} failed (exit {child.ExitCode}):\n{output}\n{stderr.Result}");
        // "  train rep 0: 1234.5 samples/s ..." (cnn) / "  vit rep 0: ..." (vit); "  infer rep" lines are not training.
        return [.. output.Split('\n').Where(l => l.StartsWith("  train rep ", StringComparison.Ordinal) || l.StartsWith("  vit rep ", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(':')[1].Trim().Split(' ')[0], Inv))];
    }

    /// <summary>The PyTorch ViT of bench_torch.py, line for line in TorchSharp (NCHW input, fused qkv projection).</summary>
    sealed class RawVit : nn.Module<Tensor, Tensor>
    {
        const int P = 4, Dim = 64, Heads = 4, Depth = 4, Mlp = 128;
        readonly TorchSharp.Modules.Linear patch = nn.Linear(3 * P * P, Dim);
        readonly TorchSharp.Modules.Parameter cls = nn.Parameter(zeros(1, 1, Dim));
        readonly TorchSharp.Modules.Parameter pos = nn.Parameter(randn(1, 65, Dim) * 0.02);
        readonly TorchSharp.Modules.ModuleList<Block> blocks = nn.ModuleList([.. Enumerable.Range(0, Depth).Select(_ => new Block())]);
        readonly TorchSharp.Modules.LayerNorm ln = nn.LayerNorm(Dim);
        readonly TorchSharp.Modules.Linear head = nn.Linear(Dim, 10);

        public RawVit() : base("raw_vit") => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            long b = x.shape[0];
            var t = x.reshape(b, 3, 8, P, 8, P).permute(0, 2, 4, 1, 3, 5).reshape(b, 64, 3 * P * P);
            t = patch.forward(t);
            t = cat([cls.expand(b, -1, -1), t], 1) + pos;
            foreach (var block in blocks) t = block.forward(t);
            return head.forward(ln.forward(t)[TensorIndex.Colon, 0]);
        }

        internal sealed class Block : nn.Module<Tensor, Tensor>
        {
            readonly TorchSharp.Modules.LayerNorm ln1 = nn.LayerNorm(Dim), ln2 = nn.LayerNorm(Dim);
            readonly TorchSharp.Modules.Linear qkv = nn.Linear(Dim, 3 * Dim), proj = nn.Linear(Dim, Dim);
            readonly TorchSharp.Modules.Linear fc1 = nn.Linear(Dim, Mlp), fc2 = nn.Linear(Mlp, Dim);

            public Block() : base("block") => RegisterComponents();

            public override Tensor forward(Tensor x)
            {
                long b = x.shape[0], t = x.shape[1];
                const int hd = Dim / Heads;
                var h = ln1.forward(x);
                var qkvs = qkv.forward(h).reshape(b, t, 3, Heads, hd).permute(2, 0, 3, 1, 4);
                var (q, k, v) = (qkvs[0], qkvs[1], qkvs[2]);
                var att = nn.functional.softmax(q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(hd)), -1);
                var o = att.matmul(v).transpose(1, 2).reshape(b, t, Dim);
                x = x + proj.forward(o);
                return x + fc2.forward(nn.functional.gelu(fc1.forward(ln2.forward(x))));
            }
        }
    }

    static double RawEpoch(RawVit model, optim.Optimizer optimizer, Tensor xNchw, Tensor y)
    {
        model.train();
        var clock = Stopwatch.StartNew();
        for (long b = 0; b < xNchw.shape[0]; b += BatchSize)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(xNchw.narrow(0, b, BatchSize)), y.narrow(0, b, BatchSize));
            loss.backward();
            optimizer.step();
        }
        return xNchw.shape[0] / clock.Elapsed.TotalSeconds;
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    static double FitEpoch(Model model, Tensor x, Tensor y)
    {
        var clock = Stopwatch.StartNew();
        model.Fit(x, y, batchSize: BatchSize, epochs: 1, verbose: 0);
        return x.shape[0] / clock.Elapsed.TotalSeconds;
    }

    static IEnumerable<double> Repeat(int times, Func<double> epoch) => [.. Enumerable.Range(0, times).Select(_ => epoch())];

    /// <summary>Contenders alternate epoch by epoch, round after round, so the machine's noise hits them alike.</summary>
    static Dictionary<string, List<double>> Alternate((string Name, Func<double> Epoch)[] contenders, int rounds, int epochs, int warmup)
    {
        for (int w = 0; w < warmup; w++)
            foreach (var c in contenders) c.Epoch();
        var results = contenders.ToDictionary(c => c.Name, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            for (int e = 0; e < epochs; e++)
                foreach (var c in contenders) results[c.Name].Add(c.Epoch());
            Console.WriteLine($"round {r + 1} (load {LoadAverage()}): " + string.Join(" | ", contenders.Select(c => $"{c.Name} {Median(results[c.Name][^epochs..]):F0}")) + " samples/s");
        }
        return results;
    }

    /// <summary>Medians and best epochs; ratios are reference / other (or other / reference with <paramref name="invert"/> false).</summary>
    static void Report(Dictionary<string, List<double>> results, string reference, string[] others, bool header = true, bool invert = false)
    {
        if (header) Console.WriteLine("RESULT samples/s (median, best): " + string.Join(" | ", results.Select(kv => $"{kv.Key} {Median(kv.Value):F0}, {kv.Value.Max():F0}")));
        foreach (var other in others)
        {
            double median = invert ? Median(results[reference]) / Median(results[other]) : Median(results[other]) / Median(results[reference]);
            double best = invert ? results[reference].Max() / results[other].Max() : results[other].Max() / results[reference].Max();
            var (a, b) = invert ? (reference, other) : (other, reference);
            Console.WriteLine($"RESULT ratio {a} / {b}: median {median:F3}, best {best:F3}");
        }
    }

    static string SharedDir() =>
        Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR") is { Length: > 0 } shared ? shared
        : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../shared"));

    static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

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

    static string? StringOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
