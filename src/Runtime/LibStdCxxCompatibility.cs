using System.Reflection;
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
/// write a private copy of the file with that one requirement marked weak and point TorchSharp's
/// P/Invokes at it. The NuGet cache and the application folder are never written to.
/// </remarks>
internal static class LibStdCxxCompatibility
{
    internal const string RequiredVersion = "GLIBCXX_3.4.32";
    internal const string ProbeSymbol = "_ZSt21ios_base_library_initv";
    internal const string LibraryFileName = "libLibTorchSharp.so";
    const string LibraryName = "LibTorchSharp";

    static readonly Lock Gate = new();
    static IntPtr _handle;

    /// <summary>Path of the patched copy in use by this process, or null when none was needed.</summary>
    internal static string? PatchedPath { get; private set; }

    /// <summary>Applies the fix to this process if the system needs it. Safe to call more than once.</summary>
    internal static void Apply(Action<string> log)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        lock (Gate)
        {
            if (_handle != IntPtr.Zero) return;
            if (SystemHasVersion(RequiredVersion) != false) return;
            var original = FindOriginal();
            if (original is null) return;

            var patched = PreparePatchedCopy(original, CacheDirectory(), out bool written);
            if (patched is null) return;

            // libLibTorchSharp's RUNPATH is $ORIGIN, which now names the cache folder: load the
            // libtorch libraries it needs from their real folder first, so the loader finds them
            // already resident by soname.
            var nativeDir = Path.GetDirectoryName(original)!;
            foreach (var dependency in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so", "libtorch_cuda.so" })
            {
                var path = Path.Combine(nativeDir, dependency);
                if (File.Exists(path)) NativeLibrary.TryLoad(path, out _);
            }
            _handle = NativeLibrary.Load(patched);
            PatchedPath = patched;
            Register(typeof(TorchSharp.torch).Assembly);
            // Said once per machine, when the copy is made; later runs load it silently.
            if (written)
                log($"Pipeline: this system's libstdc++ lacks {RequiredVersion}; wrote a compatible copy of {LibraryFileName} to {patched} and use it from now on.");
        }
    }

    static void Register(Assembly torchSharp)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(torchSharp, (name, _, _) => name == LibraryName ? _handle : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // Someone else owns TorchSharp's resolver; the load-context event still runs after
            // default probing fails on the unpatched file.
            System.Runtime.Loader.AssemblyLoadContext.Default.ResolvingUnmanagedDll +=
                (assembly, name) => assembly == torchSharp && name == LibraryName ? _handle : IntPtr.Zero;
        }
    }

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

    /// <summary>Finds the <c>libLibTorchSharp.so</c> the runtime would load for this application.</summary>
    internal static string? FindOriginal()
    {
        var dirs = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirs)
            dirs.AddRange(searchDirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        var torchSharpDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchSharpDir))
        {
            dirs.Add(torchSharpDir);
            dirs.Add(Path.Combine(torchSharpDir, "runtimes", "linux-x64", "native"));
            // Running straight from the NuGet cache (notebooks, scripts): lib/net8.0 -> runtimes.
            dirs.Add(Path.GetFullPath(Path.Combine(torchSharpDir, "..", "..", "runtimes", "linux-x64", "native")));
        }
        return dirs.Select(d => Path.Combine(d, LibraryFileName)).FirstOrDefault(File.Exists);
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
