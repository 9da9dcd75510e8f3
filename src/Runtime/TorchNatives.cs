using System.Reflection;
using System.Runtime.InteropServices;

namespace Pipeline.Runtime;

/// <summary>Where this process's TorchSharp native libraries are, found the way the host resolved them.</summary>
/// <param name="LibTorchSharp">TorchSharp's own native library, <c>libLibTorchSharp.so</c>.</param>
/// <param name="LibTorchDirectory">The folder holding libtorch (<c>libtorch_cpu.so</c>, <c>libc10.so</c>, ...).</param>
internal sealed record TorchNativeLayout(string LibTorchSharp, string LibTorchDirectory)
{
    /// <summary>
    /// True when both live in one folder, as in a build or publish output: the library's <c>$ORIGIN</c>
    /// run path then finds libtorch by itself.
    /// </summary>
    public bool SideBySide => Path.GetFullPath(Path.GetDirectoryName(LibTorchSharp)!) == Path.GetFullPath(LibTorchDirectory);
}

/// <summary>
/// Finds TorchSharp's native libraries in each kind of host: an app's output folder (deps.json probing
/// directories), a self-contained publish (next to the app), and hosts that resolve NuGet packages at
/// run time, such as .NET Interactive notebooks and dotnet-repl, where TorchSharp.dll runs straight from
/// the NuGet cache and <c>libLibTorchSharp.so</c> (package <c>torchsharp</c>) and libtorch (package
/// <c>libtorch-cpu-linux-x64</c>) sit in two different package folders.
/// </summary>
internal static class TorchNatives
{
    internal const string LibTorchSharpFileName = "libLibTorchSharp.so";
    internal const string LibTorchCpuFileName = "libtorch_cpu.so";
    const string Rid = "linux-x64";

    /// <summary>Finds both halves, or returns null when either is missing (TorchSharp's own probing then reports it).</summary>
    internal static TorchNativeLayout? Find()
    {
        var libTorchSharp = FindLibTorchSharp();
        if (libTorchSharp is null) return null;
        var libTorch = FindLibTorchDirectory(Path.GetDirectoryName(libTorchSharp)!);
        return libTorch is null ? null : new TorchNativeLayout(libTorchSharp, libTorch);
    }

    /// <summary>Finds the <c>libLibTorchSharp.so</c> the runtime would load for this application.</summary>
    internal static string? FindLibTorchSharp() =>
        ProbingDirectories()
            .Concat(PackageNativeDirectories("torchsharp", TorchSharpPackageVersion()))
            .Select(d => Path.Combine(d, LibTorchSharpFileName))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Finds the folder with libtorch: next to <paramref name="libTorchSharpDirectory"/> first, then the app's
    /// probing directories, then the NuGet package folder of the libtorch version this TorchSharp was built against.
    /// </summary>
    internal static string? FindLibTorchDirectory(string libTorchSharpDirectory) =>
        new[] { libTorchSharpDirectory }
            .Concat(ProbingDirectories())
            .Concat(PackageNativeDirectories("libtorch-cpu-" + Rid, LibTorchPackageVersion()))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, LibTorchCpuFileName)));

    /// <summary>The folders the host probes for native libraries: the deps.json ones, then TorchSharp.dll's own.</summary>
    static IEnumerable<string> ProbingDirectories()
    {
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirs)
            foreach (var dir in searchDirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                yield return dir;
        var torchSharpDir = TorchSharpDirectory();
        if (torchSharpDir is not null)
        {
            yield return torchSharpDir;
            yield return Path.Combine(torchSharpDir, "runtimes", Rid, "native");
        }
    }

    /// <summary>
    /// <c>&lt;packages&gt;/&lt;id&gt;/&lt;version&gt;/runtimes/linux-x64/native</c> in every NuGet package folder this
    /// process could have resolved from: the one TorchSharp.dll runs from (notebooks), NUGET_PACKAGES, ~/.nuget/packages.
    /// </summary>
    internal static IEnumerable<string> PackageNativeDirectories(string id, string? version)
    {
        if (version is null) yield break;
        foreach (var root in PackageRoots().Distinct())
            yield return Path.Combine(root, id, version, "runtimes", Rid, "native");
    }

    internal static IEnumerable<string> PackageRoots()
    {
        // .../<packages>/torchsharp/<version>/lib/<tfm>/TorchSharp.dll
        var torchSharpDir = TorchSharpDirectory();
        if (torchSharpDir is not null)
        {
            var lib = Directory.GetParent(torchSharpDir);
            var package = lib?.Parent?.Parent;
            if (lib?.Name == "lib" && package?.Name.Equals("torchsharp", StringComparison.OrdinalIgnoreCase) == true && package.Parent is not null)
                yield return package.Parent.FullName;
        }
        var configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(configured)) yield return Path.GetFullPath(configured);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home)) yield return Path.Combine(home, ".nuget", "packages");
    }

    static string? TorchSharpDirectory()
    {
        var location = TorchSharpAssembly.Location;
        return string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
    }

    internal static Assembly TorchSharpAssembly => typeof(TorchSharp.torch).Assembly;

    /// <summary>TorchSharp's package version, as NuGet names its folder (0.107.0).</summary>
    internal static string? TorchSharpPackageVersion()
    {
        var informational = TorchSharpAssembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational is null ? null : NuGetFolderVersion(informational.Split('+')[0]);
    }

    /// <summary>
    /// The libtorch package version this TorchSharp build loads (a constant compiled into it, read without
    /// running any TorchSharp code, which would try to load the natives we are looking for).
    /// </summary>
    internal static string? LibTorchPackageVersion()
    {
        var field = typeof(TorchSharp.torch).GetField("libtorchPackageVersion", BindingFlags.NonPublic | BindingFlags.Static);
        return field?.GetRawConstantValue() is string version ? NuGetFolderVersion(version) : null;
    }

    /// <summary>NuGet's normalized folder name: lower case, a fourth part only when it is not zero (2.10.0.0 -> 2.10.0).</summary>
    internal static string NuGetFolderVersion(string version)
    {
        var dash = version.IndexOf('-', StringComparison.Ordinal);
        var release = dash < 0 ? version : version[..dash];
        var suffix = dash < 0 ? "" : version[dash..];
        var parts = release.Split('.');
        if (parts.Length == 4 && parts[3] == "0") parts = parts[..3];
        return (string.Join('.', parts) + suffix).ToLowerInvariant();
    }

    internal static bool IsSupportedPlatform => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;
}
