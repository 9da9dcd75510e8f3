using System.Runtime.InteropServices;
using Pipeline.Runtime;

namespace Pipeline.Tests.Runtime;

[Collection(Pipeline.Tests.Execution.Sequential.Name)]
public class MallocTuningTests
{
    const int Buffers = 4;

    [Fact]
    public void Malloc_is_tuned_at_startup_unless_opted_out()
    {
        TorchRuntime.Initialize();
        Assert.Equal(MallocTuning.IsEnabled(), TorchRuntime.MallocTuned);
        Assert.True(TorchRuntime.MallocTuned, "PIPELINE_MALLOC_TUNING or MALLOC_*_ is set in the test environment; unset it.");
    }

    [Fact]
    public void Freed_multi_megabyte_buffers_are_reused_without_page_faults()
    {
        TorchRuntime.Initialize();
        const int size = 8 * 1024 * 1024;   // a typical conv activation; glibc's default would mmap it
        const int rounds = 20;

        // On a fresh thread, as a training loop's thread would be: glibc gives each thread an arena,
        // and a non-main arena crowded by earlier allocations (xunit's pool threads) maps whole
        // 64 MiB sub-heaps that it unmaps when they empty, whatever the thresholds say.
        long faults = 0;
        var thread = new Thread(() =>
        {
            Touch(size);   // the first round maps the pages; only later rounds count
            long before = MinorFaults();
            for (int i = 0; i < rounds; i++) Touch(size);
            faults = MinorFaults() - before;
        });
        thread.Start();
        thread.Join();

        // Unmapped or trimmed and refaulted would cost up to Buffers * size / 4096 = 8,192 faults per round.
        Assert.True(faults < rounds * Buffers * 2048 / 20, $"{faults} minor faults for {rounds} rounds of malloc/touch/free of {size} bytes.");
    }

    // A training step's shape: several activations alive at once, all freed at the end of the step.
    static unsafe void Touch(int size)
    {
        var buffers = new byte*[Buffers];
        for (int b = 0; b < Buffers; b++)
        {
            buffers[b] = (byte*)NativeMemory.Alloc((nuint)size);
            for (int offset = 0; offset < size; offset += 4096) buffers[b][offset] = 1;
        }
        for (int b = 0; b < Buffers; b++) NativeMemory.Free(buffers[b]);
    }

    static long MinorFaults()
    {
        // /proc/thread-self/stat field 10 is minflt for this thread only, so other test threads don't add noise.
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
    }
}
