using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Execution;

[Collection(Sequential.Name)]
public class ResourceTests
{
    static Dataset<(Tensor, Tensor)> TensorPipeline(Tensor x, Tensor y) =>
        Dataset.FromTensorSlices(x, y)
            .Map((a, b) => (a.to(ScalarType.Float32) / 255, b), numParallelCalls: 2)
            .Shuffle(16, seed: 1)
            .Batch(8)
            .Map((a, b) => (a.flip(1), b))
            .Prefetch(2);

    /// <summary>Lets finalizers of other tests' garbage run first, so the count only moves with this test's tensors.</summary>
    static long LiveTensorsAfterCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }

    [Fact]
    public void A_full_run_leaves_no_native_tensor_alive()
    {
        using var x = torch.randint(0, 255, [100, 4, 4, 3], dtype: ScalarType.Byte);
        using var y = torch.arange(100);
        var ds = TensorPipeline(x, y);
        var before = LiveTensorsAfterCollection();
        foreach (var (a, b) in ds) { a.Dispose(); b.Dispose(); }
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void An_abandoned_iteration_disposes_what_it_buffered_and_stops_its_threads()
    {
        using var x = torch.randint(0, 255, [100, 4, 4, 3], dtype: ScalarType.Byte);
        using var y = torch.arange(100);
        var ds = TensorPipeline(x, y).Cache().Window(2).Prefetch(3);
        var before = LiveTensorsAfterCollection();
        var batches = 0;
        foreach (var window in ds)
        {
            foreach (var (a, b) in window) { a.Dispose(); b.Dispose(); }
            if (++batches == 2) break;
        }
        Assert.Equal(0, BackgroundWork.Running);
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void A_parallel_map_stopped_while_gathering_a_chunk_disposes_the_elements_it_had_taken()
    {
        // A parallel Map gathers cheap calls into chunks before handing them to a task; a Prefetch stopped at that
        // moment makes the source throw the cancellation mid-chunk. Those elements belong to no task yet, so the
        // Map itself must free them. The race is narrow, so it is given many chances.
        using var x = torch.zeros(200, 2);
        using var y = torch.arange(200);
        var ds = Dataset.FromTensorSlices(x, y).Map((a, b) => (a, b), numParallelCalls: 2).Prefetch(2);
        for (var round = 0; round < 60; round++)
        {
            var before = LiveTensorsAfterCollection();
            var taken = 0;
            foreach (var (a, b) in ds)
            {
                a.Dispose();
                b.Dispose();
                if (++taken == 2) break;
            }
            Assert.Equal(0, BackgroundWork.Running);
            Assert.True(before == Tensor.TotalCount, $"round {round}: {Tensor.TotalCount - before} tensors left undisposed");
        }
    }

    [Fact]
    public void An_exception_leaves_no_native_tensor_alive_and_no_thread_running()
    {
        using var x = torch.zeros(50, 3);
        var ds = Dataset.FromTensorSlices(x).Map(t => t + 1)
            .Enumerate().Map(p => p.Index == 30 ? throw new InvalidDataException("corrupt") : p.Element)
            .Shuffle(10, seed: 1).Prefetch(4);
        var before = LiveTensorsAfterCollection();
        Assert.Throws<DatasetException>(() => { foreach (var t in ds) t.Dispose(); });
        Assert.Equal(0, BackgroundWork.Running);
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void A_cancelled_prefetching_iteration_leaves_no_thread_running()
    {
        using var cts = new CancellationTokenSource();
        var ds = Dataset.Range(1_000_000).Map(x => x, numParallelCalls: 2).Prefetch(8);
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var v in ds.WithCancellation(cts.Token))
                if (v == 100) cts.Cancel();
        });
        Assert.Equal(0, BackgroundWork.Running);
    }

    [Fact]
    public void An_enumerator_dropped_without_Dispose_stops_its_producer_once_collected()
    {
        StartAndDrop();
        for (var i = 0; i < 50 && BackgroundWork.Running > 0; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            SpinWait.SpinUntil(() => BackgroundWork.Running == 0, 200);
        }
        Assert.Equal(0, BackgroundWork.Running);

        static void StartAndDrop()
        {
            var e = Dataset.Range(1_000_000).Prefetch(2).GetEnumerator();
            e.MoveNext();
            e.MoveNext();
        }
    }

    [Fact]
    public void A_parallel_Interleave_left_early_stops_every_inner_producer()
    {
        var ds = Dataset.Range(10).Interleave(i => Dataset.Range(i * 1000, i * 1000 + 1000), cycleLength: 4, numParallelCalls: Dataset.Autotune);
        var taken = ds.Take(10).ToList();
        Assert.Equal([0L, 1000, 2000, 3000, 1, 1001, 2001, 3001, 2, 1002], taken);
        Assert.Equal(0, BackgroundWork.Running);
    }

    // Allocates tens of MiB of native memory from background threads: runs with the other process-wide tests.
    [Theory]
    [InlineData(0, 1 + 64)]                 // scalars: the deepest buffer
    [InlineData(4 << 20, 1 + 4)]            // 4 MiB tensors: 16 MiB of data ahead
    public void Autotuned_prefetch_runs_ahead_by_a_memory_budget(int bytesPerElement, int expectedAhead)
    {
        var produced = 0;
        IEnumerable<Tensor> Source()
        {
            for (var i = 0; i < 200; i++)
            {
                Interlocked.Increment(ref produced);
                yield return bytesPerElement == 0 ? torch.tensor(i) : torch.zeros(bytesPerElement, dtype: ScalarType.Byte);
            }
        }
        var ds = bytesPerElement == 0
            ? Dataset.FromGenerator(() => Enumerable.Range(0, 200).Select(i => { Interlocked.Increment(ref produced); return (long)i; })).Prefetch().Map(i => torch.tensor(i))
            : Dataset.FromGenerator(Source).Prefetch();
        using var e = ds.GetEnumerator();
        Assert.True(e.MoveNext());
        e.Current.Dispose();
        // The producer fills the buffer, takes one more element and blocks: wait for it to settle.
        SpinWait.SpinUntil(() => Volatile.Read(ref produced) >= expectedAhead + 1, TimeSpan.FromSeconds(30));
        Thread.Sleep(50);
        Assert.InRange(Volatile.Read(ref produced), expectedAhead, expectedAhead + 1);
    }
}
