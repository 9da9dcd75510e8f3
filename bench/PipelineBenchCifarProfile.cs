using System.Diagnostics;
using Pipeline;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// Where the in-memory CIFAR pipeline's time goes (`pipeline cifar-profile`): the augmentation's libtorch ops alone on one
/// thread, each op alone, the Dataset steps without the augmentation, and the whole pipeline, all over the same batches.
/// </summary>
static class PipelineBenchCifarProfile
{
    /// <param name="n">Images.</param>
    /// <param name="augment">The batched augmentation of [3].</param>
    /// <param name="only">Run only this contender (by its line number, from 0), e.g. under <c>perf record</c>.</param>
    internal static void Run(int n, Func<Tensor, Tensor> augment, int? only = null)
    {
        Console.WriteLine();
        Console.WriteLine($"[3b] profile of [3]: {n:N0} images, batch 64, torch threads {torch.get_num_threads()}; best of 5 round-robin rounds; load average {PipelineBench.LoadAverage()}");
        using var x = torch.randint(0, 256, [n, 32, 32, 3], dtype: ScalarType.Byte);
        using var y = torch.randint(0, 10, [n], dtype: ScalarType.Int64);
        var starts = Enumerable.Range(0, (n + 63) / 64).Select(b => (long)b * 64).ToArray();

        void EachBatch(Action<Tensor> body)
        {
            foreach (var s in starts)
            {
                using var scope = torch.NewDisposeScope();
                body(x.narrow(0, s, Math.Min(64, n - s)));
            }
        }

        using var half = 0.5.ToScalar();
        using var byte255 = 255.ToScalar();
        using var two = 2.ToScalar();
        (string Name, Action Body)[] contenders =
        [
            ("ops alone on one thread: the augmentation of [3] (x.narrow -> augment -> dispose)", () => EachBatch(b => augment(b))),
            ("ops alone on one thread: the augmentation with torch.where instead", () => EachBatch(b => PipelineBench.AugmentBatchWithWhere(b))),
            ("  op: torch.rand(64).lt(0.5)", () => EachBatch(b => torch.rand(b.shape[0]).lt(half))),
            ("  op: flip(2) of uint8 [64,32,32,3]", () => EachBatch(b => b.flip(2))),
            ("  op: torch.cat([x, flipped]) of uint8", () => EachBatch(b => torch.cat([b, b]))),
            ("  op: torch.cat then index_select(0, 64 of the 128 images) of uint8", () => { using var pick = torch.arange(64).mul_(two); EachBatch(b => torch.cat([b, b]).index_select(0, b.shape[0] == 64 ? pick : pick[..(int)b.shape[0]])); }),
            ("  op (instead of cat + index_select): torch.where(mask [64,1,1,1], flipped, x) of uint8", () => { using var mask = torch.rand(64).lt(half).view(-1, 1, 1, 1); EachBatch(b => torch.where(b.shape[0] == 64 ? mask : mask[..(int)b.shape[0]], b, b)); }),
            ("  op: to(float32)", () => EachBatch(b => b.to(ScalarType.Float32))),
            ("  op: to(float32).div_(255)", () => EachBatch(b => b.to(ScalarType.Float32).div_(byte255))),
            ("  native call floor: x.narrow(0, s, 64) + dispose", () => EachBatch(b => { })),
            ("Dataset steps without augmentation: FromTensorSlices -> Batch(64) -> Prefetch", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Prefetch())),
            ("Dataset steps, identity Map: -> Batch(64) -> Map(identity, AUTOTUNE) -> Prefetch", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Map((a, b) => (a, b), numParallelCalls: Dataset.Autotune).Prefetch())),
            ("whole pipeline, sequential Map: Batch(64) -> Map(augment) -> Prefetch", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Map((a, b) => (augment(a), b)).Prefetch())),
            ("whole pipeline, parallel Map: Batch(64) -> Map(augment, AUTOTUNE) -> Prefetch", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Map((a, b) => (augment(a), b), numParallelCalls: Dataset.Autotune).Prefetch())),
            ("whole pipeline, sequential Map, Prefetch(2)", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Map((a, b) => (augment(a), b)).Prefetch(2))),
            ("whole pipeline, sequential Map, Prefetch(4)", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Map((a, b) => (augment(a), b)).Prefetch(4))),
            ("whole pipeline, sequential Map, no Prefetch (one thread, like the hand-written loop)", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Map((a, b) => (augment(a), b)))),
        ];
        var best = new double[contenders.Length];
        var faults = new long[contenders.Length];
        for (var round = 0; round <= 5; round++)
            for (var c = 0; c < contenders.Length; c++)
            {
                if (only is { } o && o != c) continue;
                var elapsed = TimeSpan.Zero;
                var faultsBefore = MinorFaults();
                PipelineBench.OnFreshThread(() =>
                {
                    var sw = Stopwatch.StartNew();
                    contenders[c].Body();
                    elapsed = sw.Elapsed;
                });
                faults[c] = MinorFaults() - faultsBefore;
                if (round > 0) best[c] = Math.Max(best[c], n / elapsed.TotalSeconds);
            }
        foreach (var (c, i) in contenders.Select((c, i) => (c, i)).Where(ci => only is null || ci.i == only))
            Console.WriteLine($"  {c.Name,-100} {best[i],12:N0} samples/s = {64e6 / best[i],7:N1} µs per batch, {faults[i] / (double)starts.Length,6:N1} page faults per batch");
    }

    /// <summary>The process's minor page faults so far (fresh memory the kernel had to map and zero).</summary>
    static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
    }

    static void Drain(Dataset<(Tensor, Tensor)> ds)
    {
        foreach (var (a, b) in ds) { a.Dispose(); b.Dispose(); }
    }
}
