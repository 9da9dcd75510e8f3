using static TorchSharp.torch;

namespace Pipeline.Tests.Imaging;

/// <summary>
/// docs/images.md's rule: the random image ops may share one <c>Generator</c> across threads (parallel <c>Map</c>
/// workers). A child process (a native fault fails the test instead of killing the test host) runs 8 threads of the
/// tutorial's flip + pad + random crop on one generator under a 512 KiB gen0 budget, so the collector runs all the
/// time, and checks that every result is a window of the padded image or of its mirror image.
/// </summary>
public class SharedGeneratorTests
{
    [Fact]
    public void Threads_sharing_one_generator_get_valid_flips_and_crops_under_constant_garbage_collection()
    {
        var output = Runtime.ChildProcess.Run("shared-generator-image-ops", ("DOTNET_GCgen0size", "0x80000"));

        var line = output.Split('\n').Single(l => l.StartsWith("checked ", StringComparison.Ordinal));
        Assert.True(long.Parse(line["checked ".Length..].Trim()) == Threads * RoundsPerThread, output);
    }

    const int Threads = 8;
    const int RoundsPerThread = 25;

    /// <summary>
    /// The probe: eight threads share one generator for a fixed number of rounds each (a count, not a time budget, so a
    /// busy machine makes it slower, never weaker); prints "checked N" after N verified results, or fails with the first
    /// wrong one.
    /// </summary>
    internal static int Probe()
    {
        using var generator = new Generator(5);
        // Pixel values 1..w*h (padding is 0), so each window is identified by its content.
        using var image = arange(1, 32 * 32 + 1, dtype: ScalarType.Float32).reshape(32, 32, 1);
        using var padded = Image.PadToBoundingBox(image, 4, 4, 40, 40);
        using var mirrored = Image.FlipLeftRight(padded);
        long checkedCount = 0;
        string? failure = null;
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            for (int round = 0; round < RoundsPerThread && Volatile.Read(ref failure) is null; round++)
            {
                using var scope = NewDisposeScope();
                var x = Image.RandomFlipLeftRight(image, generator);
                x = Image.PadToBoundingBox(x, 4, 4, 40, 40);
                x = Image.RandomCrop(x, 32, 32, generator);
                if (!IsWindow(x, padded) && !IsWindow(x, mirrored))
                    Interlocked.CompareExchange(ref failure, $"a result is no 32x32 window of the padded image: first row {string.Join(' ', x[0, .., 0].data<float>().ToArray())}", null);
                Interlocked.Increment(ref checkedCount);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (failure is not null)
        {
            Console.Error.WriteLine(failure);
            return 1;
        }
        Console.WriteLine($"checked {checkedCount}");
        return 0;
    }

    static bool IsWindow(Tensor crop, Tensor canvas)
    {
        for (int top = 0; top <= 8; top++)
            for (int left = 0; left <= 8; left++)
            {
                using var window = canvas[top..(top + 32), left..(left + 32), ..];
                using var equal = window.eq(crop);
                using var same = equal.all();
                if (same.item<bool>()) return true;
            }
        return false;
    }
}
