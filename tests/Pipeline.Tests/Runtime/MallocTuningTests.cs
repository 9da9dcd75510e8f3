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

    static long ParseFaults(string output)
    {
        var line = output.Split('\n').Single(l => l.StartsWith("faults=", StringComparison.Ordinal));
        return long.Parse(line["faults=".Length..line.IndexOf(' ')], CultureInfo.InvariantCulture);
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
