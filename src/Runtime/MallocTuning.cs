using System.Runtime.InteropServices;

namespace Pipeline.Runtime;

/// <summary>
/// Keeps glibc malloc from returning libtorch's per-step activation buffers to the kernel.
/// </summary>
/// <remarks>
/// By default glibc serves allocations over 128 KiB-32 MiB (adaptive) with mmap and unmaps them on
/// free, so every training step re-faults its multi-megabyte activations page by page: measured
/// here as 0.5-0.85 M minor faults per 8 s of CNN training and half the step time. Raising the
/// mmap threshold to 32 MiB and the trim threshold out of reach keeps those pages mapped and
/// reused; resident memory stays flat because the same sizes recur every step.
/// Secondary threads get their own arenas made of 64 MiB sub-heaps, and glibc unmaps an emptied sub-heap
/// whatever the trim threshold says, unless keeping it is within the top pad: a training loop on a thread
/// whose arena is crowded (glibc hands a new thread the arena of the last exited one, a Prefetch producer's
/// say) put its buffers in such a sub-heap and re-faulted them every step (122,942 minor faults for 20
/// rounds of 4 x 8 MiB). A 64 MiB top pad keeps the sub-heap: 42 faults, same peak resident memory
/// (tests/Pipeline.Tests/Runtime/MallocTuningTests.cs measures both in a fresh process). The pad only
/// reserves address space; pages are touched when used.
/// Opt out with PIPELINE_MALLOC_TUNING=0. Setting glibc's own MALLOC_MMAP_THRESHOLD_ or
/// MALLOC_TRIM_THRESHOLD_ also leaves malloc alone; MALLOC_TOP_PAD_ leaves the top pad alone.
/// </remarks>
internal static class MallocTuning
{
    const int MTrimThreshold = -1;
    const int MTopPad = -2;
    const int MMmapThreshold = -3;

    internal const int MmapThresholdBytes = 32 * 1024 * 1024;
    internal const int TrimThresholdBytes = int.MaxValue;
    internal const int TopPadBytes = 64 * 1024 * 1024;

    internal static bool Applied { get; private set; }

    internal static void Apply()
    {
        if (Applied || !OperatingSystem.IsLinux() || !IsEnabled()) return;
        try
        {
            Applied = mallopt(MMmapThreshold, MmapThresholdBytes) == 1 & mallopt(MTrimThreshold, TrimThresholdBytes) == 1;
            if (Environment.GetEnvironmentVariable("MALLOC_TOP_PAD_") is null)
                Applied &= mallopt(MTopPad, TopPadBytes) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, for one): nothing to tune.
        }
    }

    internal static bool IsEnabled() =>
        Environment.GetEnvironmentVariable("PIPELINE_MALLOC_TUNING") is not ("0" or "false" or "off")
        && Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is null
        && Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is null;

    [DllImport("libc.so.6")]
    static extern int mallopt(int param, int value);
}
