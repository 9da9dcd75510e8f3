using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Execution;

public class ExecutionTests
{
    [Fact]
    public void An_exception_in_Map_names_the_stage_and_the_element_index()
    {
        var ds = Dataset.Range(10).Map(Fragile);
        var error = Assert.Throws<DatasetException>(() => ds.ToList());
        Assert.Equal(3, error.ElementIndex);
        Assert.Equal("Map(Fragile)", error.Stage);
        Assert.IsType<FormatException>(error.InnerException);
        Assert.Contains("element 3", error.Message);

        static long Fragile(long x) => x == 3 ? throw new FormatException("bad record") : x;
    }

    [Fact]
    public void An_exception_in_a_parallel_Map_behind_Prefetch_surfaces_on_the_consuming_thread()
    {
        var consumer = Environment.CurrentManagedThreadId;
        var ds = Dataset.Range(100).Map(x => x == 42 ? throw new InvalidOperationException("boom") : x, numParallelCalls: 2).Prefetch(4);
        var seen = new List<long>();
        var error = Assert.Throws<DatasetException>(() => { foreach (var x in ds) seen.Add(x); });
        Assert.Equal(consumer, Environment.CurrentManagedThreadId);
        Assert.Equal(42, error.ElementIndex);
        Assert.StartsWith("Map(lambda, numParallelCalls=2)", error.Stage);
        Assert.Equal(Enumerable.Range(0, 42).Select(i => (long)i), seen);
    }

    [Fact]
    public void An_exception_in_Filter_and_in_a_generator_names_the_stage()
    {
        var filter = Assert.Throws<DatasetException>(() => Dataset.Range(5).Filter(x => x < 4 ? true : throw new ArgumentException("no")).ToList());
        Assert.Equal(4, filter.ElementIndex);
        Assert.StartsWith("Filter", filter.Stage);
        var generator = Assert.Throws<DatasetException>(() => Dataset.FromGenerator(Broken).ToList());
        Assert.Equal(2, generator.ElementIndex);
        Assert.StartsWith("FromGenerator(Broken)", generator.Stage);

        static IEnumerable<int> Broken()
        {
            yield return 1;
            yield return 2;
            throw new IOException("disk gone");
        }
    }

    [Fact]
    public void Parallel_Map_keeps_input_order_when_deterministic()
    {
        var ds = Dataset.Range(200).Map(x => { Thread.SpinWait((int)(200 - x) * 50); return x * 2; }, numParallelCalls: 4);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i * 2), ds);
    }

    [Fact]
    public void Parallel_Map_runs_calls_at_the_same_time()
    {
        using var barrier = new Barrier(2);
        var met = 0;
        var ds = Dataset.Range(2).Map(x => { if (barrier.SignalAndWait(TimeSpan.FromSeconds(30))) Interlocked.Increment(ref met); return x; }, numParallelCalls: 2);
        Assert.Equal([0L, 1], ds);
        Assert.Equal(2, met);
    }

    [Fact]
    public void Non_deterministic_parallel_Map_yields_every_element_once()
    {
        var ds = Dataset.Range(300).Map(x => x, numParallelCalls: Dataset.Autotune, deterministic: false);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), ds.ToList().Order());
        var viaOptions = Dataset.Range(300).Map(x => x, numParallelCalls: 3).WithOptions(new DatasetOptions { Deterministic = false });
        Assert.Equal(300, viaOptions.Distinct().Count());
        Assert.Equal("Range(300) -> Map(lambda, numParallelCalls=3) -> WithOptions(deterministic=False)", viaOptions.ToString());
    }

    [Fact]
    public void Options_thread_pool_size_bounds_parallel_calls()
    {
        var running = 0;
        var peak = 0;
        var ds = Dataset.Range(64).Map(x =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            Thread.SpinWait(20_000);
            Interlocked.Decrement(ref running);
            return x;
        }, numParallelCalls: Dataset.Autotune).WithOptions(new DatasetOptions { ThreadPoolSize = 1 });
        Assert.Equal(64, ds.Count());
        Assert.Equal(1, peak);

        static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    [Fact]
    public void Cancellation_stops_a_synchronous_iteration()
    {
        using var cts = new CancellationTokenSource();
        var seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in Dataset.Range(1_000_000).Map(x => x + 1).WithCancellation(cts.Token))
                if (++seen == 10) cts.Cancel();
        });
        Assert.Equal(10, seen);
    }

    [Fact]
    public async Task Cancellation_stops_an_async_iteration()
    {
        using var cts = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Dataset.Range(1_000_000).Prefetch(8).AsAsyncEnumerable().WithCancellation(cts.Token))
                if (++seen == 10) await cts.CancelAsync();
        });
        Assert.Equal(10, seen);
    }

    [Fact]
    public void Map_disposes_the_input_tensors_it_does_not_pass_on()
    {
        var inputs = new List<Tensor>();
        var outputs = Dataset.Range(3).Map(i => { var t = torch.full(2, i); inputs.Add(t); return t; })
            .Map(t => t * 10).ToList();
        Assert.All(inputs, t => Assert.True(t.IsInvalid));
        Assert.All(outputs, t => Assert.False(t.IsInvalid));
        foreach (var t in outputs) t.Dispose();

        var kept = new List<Tensor>();
        var pairs = Dataset.Range(2).Map(i => { var y = torch.tensor(i); kept.Add(y); return (torch.zeros(1), y); })
            .Map((x, y) => (x + 1, y)).ToList();
        Assert.All(kept, y => Assert.False(y.IsInvalid));
        Assert.Same(kept[0], pairs[0].Item2);
        foreach (var (x, y) in pairs) { x.Dispose(); y.Dispose(); }
    }

    [Fact]
    public void An_exception_in_Interleave_or_FlatMap_names_the_stage_and_the_input_element()
    {
        var interleave = Assert.Throws<DatasetException>(() => Dataset.Range(5).Interleave(Open, cycleLength: 2).ToList());
        Assert.Equal(3, interleave.ElementIndex);
        Assert.StartsWith("Interleave(Open", interleave.Stage);
        var flatMap = Assert.Throws<DatasetException>(() => Dataset.Range(5).FlatMap(Open).ToList());
        Assert.Equal(3, flatMap.ElementIndex);
        Assert.Equal("FlatMap(Open)", flatMap.Stage);

        static Dataset<long> Open(long i) => i == 3 ? throw new FileNotFoundException("shard-3 missing") : Dataset.Range(2);
    }

    [Fact]
    public void A_non_deterministic_parallel_Interleave_does_not_wait_for_a_slow_input()
    {
        using var gate = new ManualResetEventSlim();
        var ds = Dataset.Range(3).Interleave(i => i == 0 ? Dataset.FromGenerator(Gated) : Dataset.Range(i * 10, i * 10 + 3),
            cycleLength: 3, numParallelCalls: 3, deterministic: false);
        var seen = new List<long>();
        foreach (var x in ds)
        {
            seen.Add(x);
            if (seen.Count == 6) gate.Set();
        }
        Assert.Equal([10L, 11, 12, 20, 21, 22], seen.Take(6).Order());
        Assert.Equal([0L, 1, 10, 11, 12, 20, 21, 22], seen.Order());

        IEnumerable<long> Gated()
        {
            // Held back until the other inputs were all consumed (a generous bound keeps a broken build from hanging).
            gate.Wait(TimeSpan.FromSeconds(30));
            yield return 0;
            yield return 1;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cancellation_stops_a_parallel_Interleave_at_once(bool deterministic)
    {
        using var cts = new CancellationTokenSource();
        var ds = Dataset.Range(4).Interleave(i => Dataset.Range(i * 100, i * 100 + 50), cycleLength: 2, numParallelCalls: 2, deterministic: deterministic);
        var seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var _ in ds.WithCancellation(cts.Token))
                if (++seen == 10) cts.Cancel();
        });
        Assert.Equal(10, seen);
    }

    [Fact]
    public void A_parallel_Map_of_a_cheap_function_keeps_order_and_reports_the_exact_failing_element()
    {
        // Cheap calls are grouped into tasks of many elements; order and the failing index must not change.
        var seen = new List<long>();
        var error = Assert.Throws<DatasetException>(() =>
        {
            foreach (var x in Dataset.Range(10_000).Map(x => x == 7_777 ? throw new InvalidDataException("bad") : x * 3, numParallelCalls: 2))
                seen.Add(x);
        });
        Assert.Equal(7_777, error.ElementIndex);
        Assert.Equal(Enumerable.Range(0, 7_777).Select(i => i * 3L), seen);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => i * 3L), Dataset.Range(10_000).Map(x => x * 3, numParallelCalls: Dataset.Autotune));
    }
}
