using Pipeline.Runtime;

namespace Pipeline.Tests.Runtime;

public class TorchNativesTests
{
    [Theory]
    [InlineData("2.10.0.0", "2.10.0")]
    [InlineData("2.7.1.1", "2.7.1.1")]
    [InlineData("0.107.0", "0.107.0")]
    [InlineData("1.0.0-Beta.1", "1.0.0-beta.1")]
    public void Versions_are_written_as_nuget_names_package_folders(string version, string folder) =>
        Assert.Equal(folder, TorchNatives.NuGetFolderVersion(version));

    [Fact]
    public void The_libtorch_version_is_read_from_torchsharp_without_running_it()
    {
        // TorchSharp compiles the libtorch package version it loads into a constant; a TorchSharp update that
        // renames it must fail here rather than leave notebooks without libtorch.
        Assert.Matches(@"^\d+\.\d+\.\d+", TorchNatives.LibTorchPackageVersion());
        Assert.Matches(@"^\d+\.\d+\.\d+", TorchNatives.TorchSharpPackageVersion());
    }

    [Fact]
    public void In_a_build_output_both_halves_are_found_side_by_side()
    {
        var layout = TorchNatives.Find();

        Assert.NotNull(layout);
        Assert.True(File.Exists(layout.LibTorchSharp));
        Assert.True(File.Exists(Path.Combine(layout.LibTorchDirectory, TorchNatives.LibTorchCpuFileName)));
        Assert.True(layout.SideBySide, $"{layout.LibTorchSharp} and {layout.LibTorchDirectory} differ in a build output.");
    }

    [Fact]
    public void In_the_nuget_cache_libtorch_is_found_in_its_own_package_folder()
    {
        // The layout a notebook host runs from: libLibTorchSharp.so in torchsharp/<v>/runtimes/linux-x64/native,
        // libtorch in libtorch-cpu-linux-x64/<v>/runtimes/linux-x64/native. This test's restore put both there.
        var root = TorchNatives.PackageRoots().First(r => Directory.Exists(Path.Combine(r, "torchsharp")));
        var libTorchSharpDir = Path.Combine(root, "torchsharp", TorchNatives.TorchSharpPackageVersion()!, "runtimes", "linux-x64", "native");
        Assert.True(File.Exists(Path.Combine(libTorchSharpDir, TorchNatives.LibTorchSharpFileName)));

        var found = TorchNatives.PackageNativeDirectories("libtorch-cpu-linux-x64", TorchNatives.LibTorchPackageVersion())
            .FirstOrDefault(d => File.Exists(Path.Combine(d, TorchNatives.LibTorchCpuFileName)));

        Assert.NotNull(found);
        Assert.StartsWith(Path.Combine(root, "libtorch-cpu-linux-x64"), found);
    }
}
