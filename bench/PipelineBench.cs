using System.Diagnostics;
using Pipeline;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The Pipeline suite: per-element overhead, parallel Map speed-up, an in-memory CIFAR-10-sized pipeline against a
/// hand-written loop and TorchSharp's DataLoader, and how long a CNN training loop waits on its input.
/// Usage: dotnet run -c Release --project bench -- pipeline [overhead|parallel|cifar|cifar-profile|training|fit|tfrecord-fit] [--quick]
/// [--steps N --rounds N --workers N --records-dir DIR] (the last four for tfrecord-fit)
/// </summary>
public static class PipelineBench
{
    /// <summary>Runs all four measurements and prints one line per figure (ratios come from this same run).</summary>
    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        Console.WriteLine($"Pipeline bench: {Environment.ProcessorCount} cores, torch threads {torch.get_num_threads()}, {(quick ? "quick" : "full")} sizes");
        var only = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal) || args[i - 1] == "--quick")).ToHashSet();
        bool Wanted(string name) => only.Count == 0 || only.Contains(name);
        Console.WriteLine($"load average at start: {LoadAverage()}");
        if (Wanted("overhead")) Overhead(quick ? 1_000_000 : 10_000_000);
        if (Wanted("parallel")) ParallelMap(quick ? 200 : 1_000);
        if (Wanted("cifar")) Cifar(quick ? 10_000 : 50_000, epochs: 1);
        if (Wanted("cifar-profile")) PipelineBenchCifarProfile.Run(quick ? 10_000 : 50_000, AugmentBatch,
            Array.IndexOf(args, "--contender") is var k and >= 0 ? int.Parse(args[k + 1], System.Globalization.CultureInfo.InvariantCulture) : null);
        if (Wanted("training")) OnFreshThread(() => PipelineBenchTraining.WaitFraction(steps: quick ? 20 : 100));
        if (Wanted("fit")) OnFreshThread(() => PipelineBenchTraining.FitWaitFraction(steps: quick ? 20 : 100, epochs: 2));
        if (Wanted("tfrecord-fit")) OnFreshThread(() => PipelineBenchTFRecordFit.Run(quick && !args.Contains("--steps") ? [.. args, "--steps", "50", "--rounds", "1"] : args));
        Console.WriteLine($"load average at end: {LoadAverage()}");
        return 0;
    }

    static void Overhead(long n)
    {
        Console.WriteLine();
        Console.WriteLine($"[1] per-element overhead, {n:N0} elements, batch 64");
        var loop = Time(() =>
        {
            var buffer = new long[64];
            for (long start = 0; start < n; start += 64)
            {
                var len = (int)Math.Min(64, n - start);
                for (var i = 0; i < len; i++) buffer[i] = start + i;
                using var t = torch.tensor(len == 64 ? buffer : buffer[..len]);
            }
        });
        var plain = Time(() => { foreach (var b in Dataset.Range(n).Map(x => x).Batch(64)) b.Dispose(); });
        var prefetched = Time(() => { foreach (var b in Dataset.Range(n).Map(x => x).Batch(64).Prefetch()) b.Dispose(); });
        Report("hand-written loop (fill long[64] -> tensor)", loop.TotalNanoseconds / n, "ns/element");
        Report("Range -> Map(identity) -> Batch(64)", plain.TotalNanoseconds / n, "ns/element");
        Report("Range -> Map(identity) -> Batch(64) -> Prefetch", prefetched.TotalNanoseconds / n, "ns/element");
    }

    static double Spin(long x)
    {
        // CPU-bound, allocation-free work of roughly 100 µs.
        var acc = (double)x;
        for (var i = 1; i < 60_000; i++) acc = Math.Sqrt(acc + i) * 1.0000001;
        return acc;
    }

    static void ParallelMap(int n)
    {
        Console.WriteLine();
        Console.WriteLine($"[2] parallel Map of a CPU-bound function (~100 µs), {n:N0} elements");
        _ = Dataset.Range(50).Map(Spin, numParallelCalls: Dataset.Autotune).Count();
        var one = Time(() => Dataset.Range(n).Map(Spin).Count());
        var two = Time(() => Dataset.Range(n).Map(Spin, numParallelCalls: 2).Count());
        var auto = Time(() => Dataset.Range(n).Map(Spin, numParallelCalls: Dataset.Autotune).Count());
        // The machine's own ceiling for this work on 2 threads, measured in the same run (no Dataset involved).
        var results = new double[n];
        var ceiling = Time(() => Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => results[i] = Spin(i)));
        Report("numParallelCalls=1", n / one.TotalSeconds, "elements/s");
        Report("numParallelCalls=2", n / two.TotalSeconds, "elements/s");
        Report("numParallelCalls=AUTOTUNE", n / auto.TotalSeconds, "elements/s");
        Report("speed-up 2 vs 1", one / two, "x");
        Report("speed-up AUTOTUNE vs 1", one / auto, "x");
        Report("machine ceiling: Parallel.For on 2 threads vs numParallelCalls=1", one / ceiling, "x");
        Report("numParallelCalls=2 vs Parallel.For on 2 threads (1.0 = all the parallelism the machine gave)", ceiling / two, "x");
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        _ = Dataset.Range(n).Map(Spin, numParallelCalls: 2).Count();
        wall.Stop();
        process.Refresh();
        Report("CPU seconds per wall second during numParallelCalls=2 (2.0 = both cores busy)", (process.TotalProcessorTime - cpuBefore) / wall.Elapsed, "");
    }

    static Tensor AugmentOne(Tensor image)
    {
        // A random horizontal flip (axis 1 of HWC) on the uint8 pixels, then float/255: flipping bytes moves a quarter
        // of the memory that flipping floats would.
        if (Random.Shared.Next(2) == 0) return image.to(ScalarType.Float32).div_(By255);
        using var flipped = image.flip(1);
        return flipped.to(ScalarType.Float32).div_(By255);
    }

    static readonly Scalar Half = 0.5.ToScalar();
    static readonly Scalar By255 = 255.ToScalar();

    /// <summary>
    /// The same per image, vectorized: each image flipped left-right with probability 1/2, then float/255. The flips
    /// are chosen by gathering from [originals; flipped] with one index_select: a torch.where with a per-image mask
    /// broadcast over the pixels (<see cref="AugmentBatchWithWhere"/>) runs libtorch's scalar, non-vectorized where
    /// kernel, which took two thirds of the augmentation's time (`pipeline cifar-profile`, docs/benchmarks.md).
    /// </summary>
    internal static Tensor AugmentBatch(Tensor images)
    {
        var n = images.shape[0];
        using var count = n.ToScalar();
        using var coins = torch.rand(n).lt(Half);
        using var offsets = coins.to(ScalarType.Int64).mul_(count);
        using var pick = torch.arange(n).add_(offsets);   // i, or n + i for a flipped image
        using var flipped = images.flip(2);
        using var both = torch.cat([images, flipped]);
        using var chosen = both.index_select(0, pick);
        return chosen.to(ScalarType.Float32).div_(By255);
    }

    /// <summary>The same augmentation as first written: choose flipped or original uint8 pixels by a random mask (torch.where).</summary>
    internal static Tensor AugmentBatchWithWhere(Tensor images)
    {
        using var coins = torch.rand(images.shape[0]).lt(Half);
        using var flip = coins.view(-1, 1, 1, 1);
        using var flipped = images.flip(2);
        using var chosen = torch.where(flip, flipped, images);
        return chosen.to(ScalarType.Float32).div_(By255);
    }

    static void Cifar(int n, int epochs)
    {
        Console.WriteLine();
        Console.WriteLine($"[3] in-memory CIFAR-10-sized pipeline: {n:N0} uint8 32x32x3 images -> float/255 -> random flip -> batch 64 -> prefetch; {epochs} epoch(s) each");
        using var x = torch.randint(0, 256, [n, 32, 32, 3], dtype: ScalarType.Byte);
        using var y = torch.randint(0, 10, [n], dtype: ScalarType.Int64);
        long total = (long)n * epochs;

        IEnumerable<(Tensor, Tensor)> HandBatched()
        {
            for (long s = 0; s < n; s += 64)
            {
                // A careful hand-written loop frees its temporaries with a dispose scope, like the Dataset does.
                using var scope = torch.NewDisposeScope();
                var len = Math.Min(64, n - s);
                var batch = (AugmentBatch(x.narrow(0, s, len)), y.narrow(0, s, len).clone());
                yield return scope.MoveToOuter(batch.Item1, batch.Item2);
            }
        }

        IEnumerable<(Tensor, Tensor)> HandPerSample()
        {
            for (long s = 0; s < n; s += 64)
            {
                using var scope = torch.NewDisposeScope();
                var len = Math.Min(64, n - s);
                var images = new Tensor[len];
                for (var i = 0; i < len; i++) images[i] = AugmentOne(x[s + i]);
                var batch = (torch.stack(images), y.narrow(0, s, len).clone());
                yield return scope.MoveToOuter(batch.Item1, batch.Item2);
            }
        }

        var perElement = Dataset.FromTensorSlices(x, y).Map((img, label) => (AugmentOne(img), label), numParallelCalls: Dataset.Autotune).Batch(64).Prefetch();
        var vectorized = Dataset.FromTensorSlices(x, y).Batch(64).Map((img, label) => (AugmentBatch(img), label)).Prefetch();
        var vectorizedParallel = Dataset.FromTensorSlices(x, y).Batch(64).Map((img, label) => (AugmentBatch(img), label), numParallelCalls: Dataset.Autotune).Prefetch();
        var shuffled = Dataset.FromTensorSlices(x, y).Shuffle(n).Batch(64).Map((img, label) => (AugmentBatch(img), label), numParallelCalls: Dataset.Autotune).Prefetch();
        var withWhere = Dataset.FromTensorSlices(x, y).Batch(64).Map((img, label) => (AugmentBatchWithWhere(img), label), numParallelCalls: Dataset.Autotune).Prefetch();
        (string Name, Func<IEnumerable<(Tensor, Tensor)>> Batches)[] contenders =
        [
            ("hand-written loop, batched ops", HandBatched),
            ("hand-written loop, per-sample ops + stack", HandPerSample),
            ("TorchSharp DataLoader (per-sample GetTensor), 1 worker", () => PipelineBenchDataLoader.Batches(x, y, AugmentOne, workers: 1)),
            ("TorchSharp DataLoader (per-sample GetTensor), 2 workers", () => PipelineBenchDataLoader.Batches(x, y, AugmentOne, workers: 2)),
            ($"Dataset: {vectorized}", () => vectorized),
            ($"Dataset: {vectorizedParallel}", () => vectorizedParallel),
            ($"Dataset: {perElement}", () => perElement),
            ($"Dataset: {shuffled}", () => shuffled),
            ($"Dataset, the augmentation with torch.where: {withWhere}", () => withWhere),
        ];

        // Round-robin: every contender runs once per round, so load changes on this shared machine hit all alike.
        var rates = contenders.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round <= CifarRounds; round++)
            for (var c = 0; c < contenders.Length; c++)
            {
                var elapsed = TimeSpan.Zero;
                OnFreshThread(() =>
                {
                    var sw = Stopwatch.StartNew();
                    for (var e = 0; e < epochs; e++)
                        foreach (var (a, b) in contenders[c].Batches()) { a.Dispose(); b.Dispose(); }
                    elapsed = sw.Elapsed;
                });
                if (round > 0) rates[c].Add(total / elapsed.TotalSeconds);   // round 0 warms up
            }

        Console.WriteLine($"  (best and median of {CifarRounds} round-robin rounds)");
        for (var c = 0; c < contenders.Length; c++)
            Console.WriteLine($"  {contenders[c].Name,-100} {rates[c].Max(),14:N0} samples/s (median {Median(rates[c]):N0})");
        double Best(int c) => rates[c].Max();
        Report("ratio Dataset (batch, then vectorized map) / hand-written batched loop", Best(4) / Best(0), "x");
        Report("ratio Dataset (batch, then vectorized map) / TorchSharp DataLoader, best", Best(4) / Math.Max(Best(2), Best(3)), "x");
        Report("ratio Dataset (per-element parallel map) / hand-written per-sample loop", Best(6) / Best(1), "x");
        Report("ratio Dataset (per-element parallel map) / TorchSharp DataLoader, best", Best(6) / Math.Max(Best(2), Best(3)), "x");
        Report("ratio Dataset (batch, then vectorized map, AUTOTUNE) / hand-written batched loop", Best(5) / Best(0), "x");
        Report("ratio Dataset with Shuffle / without (both vectorized map, AUTOTUNE)", Best(7) / Best(5), "x");
        Report("ratio augmentation by index_select / by torch.where (both Dataset, vectorized map, AUTOTUNE)", Best(5) / Best(8), "x");
        Report("target: Dataset (batch, then vectorized map, AUTOTUNE), best, in samples/s (>= 300,000)", Best(5), "samples/s");
    }

    const int CifarRounds = 5;

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }


    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>
    /// Best of <see cref="Repeats"/> timed runs after one untimed warm-up: the machine is shared, so the fastest run is
    /// the one least disturbed by other processes.
    /// </summary>
    internal static TimeSpan Time(Action action)
    {
        OnFreshThread(action);
        var best = TimeSpan.MaxValue;
        for (var r = 0; r < Repeats; r++)
        {
            var elapsed = TimeSpan.Zero;
            OnFreshThread(() =>
            {
                var sw = Stopwatch.StartNew();
                action();
                elapsed = sw.Elapsed;
            });
            if (elapsed < best) best = elapsed;
        }
        return best;
    }

    /// <summary>
    /// Runs each timed contender on a new thread, as Prefetch runs its producer: on this oversubscribed machine a
    /// thread that has run many libtorch ops was measured several times slower on small ops than a fresh one
    /// (OpenMP team spin-waits), which would otherwise favour whichever contender happens to use new threads.
    /// </summary>
    internal static void OnFreshThread(Action action)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { action(); }
            catch (Exception e) { error = e; }
        }, maxStackSize: 16 << 20);
        thread.Start();
        thread.Join();
        if (error is not null) throw new InvalidOperationException("benchmark body failed", error);
    }

    internal static int Repeats { get; set; } = 3;

    internal static void Report(string what, double value, string unit) =>
        Console.WriteLine($"  {what,-100} {value,14:N1} {unit}");
}
