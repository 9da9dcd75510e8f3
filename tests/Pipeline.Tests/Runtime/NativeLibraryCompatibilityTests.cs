using System.Security.Cryptography;
using Pipeline.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Runtime;

public class NativeLibraryCompatibilityTests
{
    static string PackagedLibrary() =>
        TorchNatives.FindLibTorchSharp() ?? throw new InvalidOperationException("libLibTorchSharp.so not found next to the test assembly.");

    [Fact]
    public void A_tensor_op_runs()
    {
        TorchRuntime.Initialize();
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = a * 2 + 1;
        Assert.Equal(new float[] { 3, 5, 7 }, b.data<float>().ToArray());
    }

    [Fact]
    public void Conv2d_forward_and_backward_run()
    {
        using var scope = NewDisposeScope();
        var conv = nn.Conv2d(3, 4, 3, padding: 1);
        var x = randn(2, 3, 8, 8, requires_grad: true);
        var y = conv.call(x);
        Assert.Equal(new long[] { 2, 4, 8, 8 }, y.shape);
        y.sum().backward();
        Assert.NotNull(x.grad);
        Assert.Equal(x.shape, x.grad!.shape);
        Assert.True(conv.weight!.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void The_packaged_library_needs_GLIBCXX_3_4_32_strictly()
    {
        var needs = ElfVersionNeeds.Read(File.ReadAllBytes(PackagedLibrary()), PackagedLibrary());
        var need = Assert.Single(needs, n => n.Name == LibStdCxxCompatibility.RequiredVersion);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
    }

    [Fact]
    public void The_private_copy_makes_only_that_requirement_weak_and_leaves_the_original_untouched()
    {
        var original = PackagedLibrary();
        var before = SHA256.HashData(File.ReadAllBytes(original));
        var cache = Directory.CreateTempSubdirectory("pipeline-native-");
        try
        {
            var copy = LibStdCxxCompatibility.PreparePatchedCopy(original, cache.FullName);

            Assert.NotNull(copy);
            Assert.StartsWith(cache.FullName, copy);
            Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(original)));

            var originalBytes = File.ReadAllBytes(original);
            var copyBytes = File.ReadAllBytes(copy!);
            Assert.Equal(originalBytes.Length, copyBytes.Length);
            var differing = Enumerable.Range(0, originalBytes.Length).Where(i => originalBytes[i] != copyBytes[i]).ToArray();
            Assert.Single(differing);

            var originalNeeds = ElfVersionNeeds.Read(originalBytes, original);
            var copyNeeds = ElfVersionNeeds.Read(copyBytes, copy!);
            Assert.Equal(originalNeeds.Count, copyNeeds.Count);
            for (int i = 0; i < copyNeeds.Count; i++)
            {
                bool target = copyNeeds[i].Name == LibStdCxxCompatibility.RequiredVersion;
                Assert.Equal(target || originalNeeds[i].IsWeak, copyNeeds[i].IsWeak);
            }

            // A second call reuses the copy instead of writing again.
            var stamp = File.GetLastWriteTimeUtc(copy!);
            Assert.Equal(copy, LibStdCxxCompatibility.PreparePatchedCopy(original, cache.FullName));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy!));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(copy!)!, "*.tmp"));
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_private_copy_is_used_exactly_when_the_system_libstdcxx_lacks_the_version()
    {
        TorchRuntime.Initialize();
        using var _ = ones(1);   // libtorch is loaded by now, one way or the other
        var systemHas = LibStdCxxCompatibility.SystemHasVersion(LibStdCxxCompatibility.RequiredVersion);
        Assert.NotNull(systemHas);
        if (systemHas == true)
        {
            Assert.Null(TorchRuntime.CompatibleNativeLibraryPath);
        }
        else
        {
            var path = TorchRuntime.CompatibleNativeLibraryPath;
            Assert.NotNull(path);
            Assert.DoesNotContain(Path.Combine(".nuget", "packages"), path);
            var loaded = File.ReadAllLines("/proc/self/maps").Any(l => l.EndsWith(path!, StringComparison.Ordinal));
            Assert.True(loaded, $"{path} is not mapped into the process.");
        }
    }

    [Fact]
    public void A_library_that_needs_the_version_already_weakly_is_not_patched_again()
    {
        var cache = Directory.CreateTempSubdirectory("pipeline-native-");
        try
        {
            var first = LibStdCxxCompatibility.PreparePatchedCopy(PackagedLibrary(), cache.FullName)!;
            var again = Path.Combine(cache.FullName, "second");
            Directory.CreateDirectory(again);
            Assert.Null(LibStdCxxCompatibility.PreparePatchedCopy(first, again));
            Assert.Empty(Directory.GetFileSystemEntries(again));
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    [Fact]
    public void Bytes_that_are_not_elf_are_rejected_with_the_file_name()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(new byte[100], "bogus.so"));
        Assert.Contains("bogus.so", e.Message);
    }
}
