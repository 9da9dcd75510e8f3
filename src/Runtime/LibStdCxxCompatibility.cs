using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Pipeline.Runtime;

/// <summary>
/// Makes TorchSharp 0.107's <c>libLibTorchSharp.so</c> load on Linux systems whose libstdc++ predates
/// GCC 13 (Debian 12, Ubuntu 22.04).
/// </summary>
/// <remarks>
/// The library was linked with GCC 13, whose &lt;iostream&gt; references one symbol versioned
/// GLIBCXX_3.4.32. Nothing in it needs that symbol to exist, but the loader rejects the whole file
/// when the version is absent. When, and only when, the process's libstdc++ lacks that version we
/// write a private copy of the file with that one requirement marked weak, which
/// <see cref="TorchNativeLoader"/> loads. The NuGet cache and the application folder are never written to.
/// </remarks>
internal static class LibStdCxxCompatibility
{
    internal const string RequiredVersion = "GLIBCXX_3.4.32";
    internal const string ProbeSymbol = "_ZSt21ios_base_library_initv";
    internal const string LibraryFileName = TorchNatives.LibTorchSharpFileName;

    /// <summary>
    /// True when the libstdc++ this process would load defines <paramref name="version"/>; false when it
    /// does not; null when that cannot be told (no glibc, no libstdc++).
    /// </summary>
    internal static bool? SystemHasVersion(string version)
    {
        try
        {
            if (!NativeLibrary.TryLoad("libstdc++.so.6", out var libstdcxx)) return null;
            return Dl.dlvsym(libstdcxx, ProbeSymbol, version) != IntPtr.Zero;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes (once) a copy of <paramref name="original"/> with the GLIBCXX_3.4.32 requirement weak, under
    /// <paramref name="cacheRoot"/> in a folder named after the original's content hash, and returns its path.
    /// Returns null when the original has no such requirement.
    /// </summary>
    internal static string? PreparePatchedCopy(string original, string cacheRoot) => PreparePatchedCopy(original, cacheRoot, out _);

    /// <inheritdoc cref="PreparePatchedCopy(string, string)"/>
    /// <param name="original">The packaged library.</param>
    /// <param name="cacheRoot">The folder that holds patched copies.</param>
    /// <param name="written">True when this call wrote the copy, false when it was there already.</param>
    internal static string? PreparePatchedCopy(string original, string cacheRoot, out bool written)
    {
        written = false;
        var bytes = File.ReadAllBytes(original);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var dir = Path.Combine(cacheRoot, hash);
        var target = Path.Combine(dir, LibraryFileName);
        if (File.Exists(target) && new FileInfo(target).Length == bytes.Length) return target;

        if (ElfVersionNeeds.MarkWeak(bytes, RequiredVersion, original) == 0) return null;

        Directory.CreateDirectory(dir);
        // Written under a unique name and renamed, so a concurrent process never loads half a file.
        var temp = Path.Combine(dir, $".{LibraryFileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, target, overwrite: true);
        written = true;
        return target;
    }

    /// <summary>Where patched copies live: PIPELINE_NATIVE_CACHE, else $XDG_CACHE_HOME or ~/.cache, else the temp folder.</summary>
    internal static string CacheDirectory()
    {
        var explicitDir = Environment.GetEnvironmentVariable("PIPELINE_NATIVE_CACHE");
        if (!string.IsNullOrEmpty(explicitDir)) return explicitDir;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var root = !string.IsNullOrEmpty(xdg) ? xdg : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache") : Path.GetTempPath();
        var dir = Path.Combine(root, "pipeline-dotnet", "libtorchsharp");
        try
        {
            Directory.CreateDirectory(dir);
            return dir;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Path.Combine(Path.GetTempPath(), "pipeline-dotnet", "libtorchsharp");
        }
    }

    static class Dl
    {
        [DllImport("libc.so.6", EntryPoint = "dlvsym")]
        internal static extern IntPtr dlvsym(IntPtr handle, string symbol, string version);
    }
}
