using System.Reflection;
using System.Runtime.InteropServices;

namespace Pipeline.Runtime;

/// <summary>
/// Loads TorchSharp's native library for this process where TorchSharp's own probing would fail or copy:
/// when the system libstdc++ is too old for it (a private patched copy is loaded instead), and when the
/// host left libtorch in another folder than <c>libLibTorchSharp.so</c> (notebooks and other hosts that
/// run packages from the NuGet cache; TorchSharp would copy ~500 MB of natives into the cache to cope).
/// </summary>
/// <remarks>
/// libtorch is loaded from its own folder first, so that the dynamic loader finds it already resident by
/// soname when <c>libLibTorchSharp.so</c> asks for it; then TorchSharp's P/Invokes are pointed at the
/// handle. In an ordinary build or publish output with a new enough libstdc++ nothing is done.
/// </remarks>
internal static class TorchNativeLoader
{
    const string LibraryName = "LibTorchSharp";
    // In dependency order: libtorch_cpu needs c10 (and its bundled libgomp, found through its $ORIGIN run path).
    static readonly string[] LibTorchLibraries = ["libc10.so", "libtorch_cpu.so", "libtorch.so", "libtorch_cuda.so"];

    static readonly Lock Gate = new();
    static IntPtr _handle;

    /// <summary>The <c>libLibTorchSharp.so</c> this class loaded, or null when TorchSharp loads its own.</summary>
    internal static string? LoadedPath { get; private set; }

    /// <summary>Path of the patched copy in use by this process, or null when none was needed.</summary>
    internal static string? PatchedPath { get; private set; }

    /// <summary>Loads the natives if this host needs it. Safe to call more than once.</summary>
    internal static void Load(Action<string> log)
    {
        if (!TorchNatives.IsSupportedPlatform) return;
        lock (Gate)
        {
            if (_handle != IntPtr.Zero) return;
            var layout = TorchNatives.Find();
            if (layout is null) return;
            bool needsPatch = LibStdCxxCompatibility.SystemHasVersion(LibStdCxxCompatibility.RequiredVersion) == false;
            if (!needsPatch && layout.SideBySide) return;

            string library = layout.LibTorchSharp;
            bool written = false;
            if (needsPatch)
            {
                var patched = LibStdCxxCompatibility.PreparePatchedCopy(layout.LibTorchSharp, LibStdCxxCompatibility.CacheDirectory(), out written);
                if (patched is not null) library = patched;
                else if (layout.SideBySide) return;
            }

            foreach (var dependency in LibTorchLibraries)
            {
                var path = Path.Combine(layout.LibTorchDirectory, dependency);
                if (File.Exists(path)) NativeLibrary.TryLoad(path, out _);
            }
            _handle = NativeLibrary.Load(library);
            LoadedPath = library;
            if (library != layout.LibTorchSharp) PatchedPath = library;
            Register(TorchNatives.TorchSharpAssembly);
            // Said once per machine, when the copy is made; later runs load it silently.
            if (written)
                log($"Pipeline: this system's libstdc++ lacks {LibStdCxxCompatibility.RequiredVersion}; wrote a compatible copy of {TorchNatives.LibTorchSharpFileName} to {library} and use it from now on.");
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
            // default probing fails.
            System.Runtime.Loader.AssemblyLoadContext.Default.ResolvingUnmanagedDll +=
                (assembly, name) => assembly == torchSharp && name == LibraryName ? _handle : IntPtr.Zero;
        }
    }
}
