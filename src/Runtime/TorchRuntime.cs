using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using TorchSharp;

namespace Pipeline.Runtime;

/// <summary>
/// Process-wide set-up of the libtorch engine behind every tensor in this library: loading the
/// native library, allocator tuning and the default device.
/// </summary>
/// <remarks>
/// <see cref="Initialize"/> runs automatically before any code of this library executes, so an
/// application only calls it when it touches TorchSharp directly before using any Pipeline type.
/// </remarks>
public static class TorchRuntime
{
    static readonly Lock Gate = new();
    static bool _initialized;
    static torch.Device? _device;

    /// <summary>
    /// Where the library writes its few informational lines (device choice, native-library
    /// workarounds). Defaults to standard error, like TensorFlow's log; set to <c>_ =&gt; { }</c> to silence.
    /// </summary>
    public static Action<string> Log { get; set; } = message => Console.Error.WriteLine(message);

    /// <summary>
    /// Prepares libtorch for this process: on glibc, tunes malloc for training workloads (opt out with
    /// <c>PIPELINE_MALLOC_TUNING=0</c>); loads TorchSharp's native library from where the host resolved
    /// it (a notebook's NuGet cache included) and, where the system libstdc++ is older than TorchSharp
    /// needs, loads a compatible private copy of it instead. Idempotent and thread-safe.
    /// </summary>
    public static void Initialize()
    {
        lock (Gate)
        {
            if (_initialized) return;
            _initialized = true;
            MallocTuning.Apply();
            TorchNativeLoader.Load(Log);
        }
    }

    /// <summary>True when glibc malloc was tuned by <see cref="Initialize"/> in this process.</summary>
    public static bool MallocTuned => MallocTuning.Applied;

    /// <summary>
    /// The private copy of <c>libLibTorchSharp.so</c> this process loaded instead of the packaged one, or
    /// null when the packaged one loads as it is.
    /// </summary>
    public static string? CompatibleNativeLibraryPath => TorchNativeLoader.PatchedPath;

    /// <summary>
    /// The device models and tensors go to by default: CUDA when the application references a CUDA build of
    /// TorchSharp and a GPU is present, otherwise the CPU (logged once).
    /// </summary>
    public static torch.Device Device
    {
        get
        {
            if (_device is not null) return _device;
            lock (Gate)
            {
                if (_device is not null) return _device;
                Initialize();
                bool cuda;
                try { cuda = torch.cuda.is_available(); }
                catch (Exception e) when (e is NotSupportedException or InvalidOperationException or DllNotFoundException) { cuda = false; }
                _device = cuda ? torch.CUDA : torch.CPU;
                Log(cuda
                    ? $"Pipeline: using CUDA device 0 ({torch.cuda.device_count()} visible)."
                    : "Pipeline: no CUDA device available to TorchSharp; running on CPU.");
                return _device;
            }
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (Gate) _device = value;
        }
    }

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "libtorch must be made loadable before any TorchSharp call this library makes; there is no earlier hook.")]
    internal static void InitializeModule() => Initialize();
}
