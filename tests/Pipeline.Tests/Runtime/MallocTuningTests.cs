using System.Globalization;
using System.Runtime.InteropServices;
using Pipeline.Runtime;

namespace Pipeline.Tests.Runtime;

public class MallocTuningTests
{
    const int Buffers = 4;
    const int Size = 8 * 1024 * 1024;   // a typical conv activation; glibc's default would mmap it
    const int Rounds = 20;
    // Unmapped or trimmed and refaulted, a round costs up to Buffers * Size / 4096 = 8,192 faults.
    const long FaultsIfRefaulted = (long)Rounds * Buffers * Size / 4096;

    [Fact]
    public void Malloc_is_tuned_at_startup_unless_opted_out()
    {
        TorchRuntime.Initialize();
        Assert.Equal(MallocTuning.IsEnabled(), TorchRuntime.MallocTuned);
        Assert.True(TorchRuntime.MallocTuned, "PIPELINE_MALLOC_TUNING or MALLOC_*_ is set in the test environment; unset it.");
    }

    // Measured in a fresh process on its main thread: in this process, which arena a thread gets and how
    // crowded it is depends on every test that ran before (glibc hands a new thread the arena of the last
    // exited one, and unmaps an emptied sub-heap of a secondary arena whatever the thresholds say).
    [Fact]
    public void Freed_multi_megabyte_buffers_are_reused_without_page_faults()
    {
        long faults = ParseFaults(ChildProcess.Run("malloc-faults"));

        Assert.True(faults < FaultsIfRefaulted / 20, $"{faults} minor faults for {Rounds} rounds of malloc/touch/free of {Buffers} x {Size} bytes.");
    }

    [Fact]
    public void Without_the_tuning_the_same_buffers_are_refaulted_every_step()
    {
        // The control for the test above: it shows the measurement sees the cost the tuning removes.
        long faults = ParseFaults(ChildProcess.Run("malloc-faults", ("PIPELINE_MALLOC_TUNING", "0")));

        Assert.True(faults > FaultsIfRefaulted / 2, $"only {faults} minor faults without the tuning.");
    }

    [Fact]
    public void On_a_thread_whose_arena_is_crowded_the_buffers_are_reused_too_at_the_same_peak_memory()
    {
        var tuned = ChildProcess.Run("malloc-faults-crowded");
        // The control: the same tuning without the top pad, which lets glibc unmap the emptied sub-heap.
        var withoutTopPad = ChildProcess.Run("malloc-faults-crowded", ("MALLOC_TOP_PAD_", "0"));

        Assert.True(ParseFaults(tuned) < FaultsIfRefaulted / 20, $"crowded arena, tuned: {tuned}");
        Assert.True(ParseFaults(withoutTopPad) > FaultsIfRefaulted / 2, $"crowded arena without the top pad: {withoutTopPad}");
        Assert.True(PeakRssKib(tuned) < PeakRssKib(withoutTopPad) + 16 * 1024, $"peak memory grew: {tuned} vs {withoutTopPad}");
    }

    /// <summary>The probe run by <see cref="ChildProcess"/>: prints the minor faults of the measured rounds.</summary>
    internal static int MeasureFaultsOnMainThread()
    {
        TorchRuntime.Initialize();
        Touch();   // the first round maps the pages; only later rounds count
        long before = MinorFaults();
        for (int i = 0; i < Rounds; i++) Touch();
        Console.WriteLine($"faults={MinorFaults() - before} tuned={TorchRuntime.MallocTuned}");
        return 0;
    }

    /// <summary>
    /// The probe for a training loop on a thread whose arena is already crowded (48 MiB of small live blocks), the
    /// case where glibc serves the step's buffers from a secondary sub-heap: prints faults and resident memory.
    /// </summary>
    internal static unsafe int MeasureFaultsOnCrowdedThread()
    {
        TorchRuntime.Initialize();
        long faults = 0;
        var thread = new Thread(() =>
        {
            var crowd = new List<nint>();
            for (int i = 0; i < 48 * 1024; i++) crowd.Add((nint)NativeMemory.Alloc(1024));
            Touch();
            long before = MinorFaults();
            for (int i = 0; i < Rounds; i++) Touch();
            faults = MinorFaults() - before;
            foreach (var block in crowd) NativeMemory.Free((void*)block);
        });
        thread.Start();
        thread.Join();
        var rss = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Console.WriteLine($"faults={faults} peak_rss_kib={rss} tuned={TorchRuntime.MallocTuned}");
        return 0;
    }

    static long ParseFaults(string output) => Field(output, "faults");

    static long PeakRssKib(string output) => Field(output, "peak_rss_kib");

    static long Field(string output, string name)
    {
        var line = output.Split('\n').Single(l => l.StartsWith("faults=", StringComparison.Ordinal));
        var field = line.Split(' ').Single(f => f.StartsWith(name + "=", StringComparison.Ordinal));
        return long.Parse(field[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    // A training step's shape: several activations alive at once, all freed at the end of the step.
    static unsafe void Touch()
    {
        var buffers = new byte*[Buffers];
        for (int b = 0; b < Buffers; b++)
        {
            buffers[b] = (byte*)NativeMemory.Alloc(Size);
            for (int offset = 0; offset < Size; offset += 4096) buffers[b][offset] = 1;
        }
        for (int b = 0; b < Buffers; b++) NativeMemory.Free(buffers[b]);
    }

    static long MinorFaults()
    {
        // /proc/thread-self/stat field 10 is minflt for this thread only, so other threads don't add noise.
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], CultureInfo.InvariantCulture);
    }
}
