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
    internal static void Run(int n, Func<Tensor, Tensor> augment)
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
        (string Name, Action Body)[] contenders =
        [
            ("ops alone on one thread: the whole augmentation (x.narrow -> augment -> dispose)", () => EachBatch(b => augment(b))),
            ("  op: torch.rand(64).lt(0.5).view(-1,1,1,1)", () => EachBatch(b => torch.rand(b.shape[0]).lt(half).view(-1, 1, 1, 1))),
            ("  op: flip(2) of uint8 [64,32,32,3]", () => EachBatch(b => b.flip(2))),
            ("  op: where(mask, a, b) of uint8", () => { using var mask = torch.rand(64).lt(half).view(-1, 1, 1, 1); EachBatch(b => torch.where(b.shape[0] == 64 ? mask : mask[..(int)b.shape[0]], b, b)); }),
            ("  op: to(float32)", () => EachBatch(b => b.to(ScalarType.Float32))),
            ("  op: to(float32).div_(255)", () => EachBatch(b => b.to(ScalarType.Float32).div_(byte255))),
            ("  V2 index float", () => EachBatch(b => { var idx = torch.rand(b.shape[0]).lt(half).nonzero().view(-1); var f = b.to(ScalarType.Float32); f.index_copy_(0, idx, f.index_select(0, idx).flip(2)); f.div_(byte255); })),
            ("  V3 index uint8 then div", () => EachBatch(b => { var idx = torch.rand(b.shape[0]).lt(half).nonzero().view(-1); var c = b.clone(); c.index_copy_(0, idx, b.index_select(0, idx).flip(2)); c.div(byte255); })),
            ("  V4 where float", () => EachBatch(b => { var m = torch.rand(b.shape[0]).lt(half).view(-1, 1, 1, 1); var f = b.div(byte255); torch.where(m, f.flip(2), f); })),
            ("  V5 where expanded uint8", () => EachBatch(b => { var m = torch.rand(b.shape[0]).lt(half).view(-1, 1, 1, 1).expand_as(b).contiguous(); torch.where(m, b.flip(2), b); })),
            ("  op: div(255) uint8->float in one op", () => EachBatch(b => b.div(byte255))),
            ("  op: clone uint8", () => EachBatch(b => b.clone())),
            ("  native call floor: x.narrow(0, s, 64) + dispose", () => EachBatch(b => { })),
            ("Dataset steps without augmentation: FromTensorSlices -> Batch(64) -> Prefetch", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Prefetch())),
            ("Dataset steps, identity Map: -> Batch(64) -> Map(identity, AUTOTUNE) -> Prefetch", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Map((a, b) => (a, b), numParallelCalls: Dataset.Autotune).Prefetch())),
            ("whole pipeline, sequential Map: Batch(64) -> Map(augment) -> Prefetch", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Map((a, b) => (augment(a), b)).Prefetch())),
            ("whole pipeline, parallel Map: Batch(64) -> Map(augment, AUTOTUNE) -> Prefetch", () => Drain(Dataset.FromTensorSlices(x, y).Batch(64).Map((a, b) => (augment(a), b), numParallelCalls: Dataset.Autotune).Prefetch())),
        ];
        var best = new double[contenders.Length];
        for (var round = 0; round <= 5; round++)
            for (var c = 0; c < contenders.Length; c++)
            {
                var elapsed = TimeSpan.Zero;
                PipelineBench.OnFreshThread(() =>
                {
                    var sw = Stopwatch.StartNew();
                    contenders[c].Body();
                    elapsed = sw.Elapsed;
                });
                if (round > 0) best[c] = Math.Max(best[c], n / elapsed.TotalSeconds);
            }
        foreach (var (c, i) in contenders.Select((c, i) => (c, i)))
            Console.WriteLine($"  {c.Name,-100} {best[i],12:N0} samples/s = {64e6 / best[i],7:N1} µs per batch");
    }

    static void Drain(Dataset<(Tensor, Tensor)> ds)
    {
        foreach (var (a, b) in ds) { a.Dispose(); b.Dispose(); }
    }
}
