// Compiled into every test project by Directory.Build.targets: a thread that runs the garbage collector and the
// finalizers flat out, for GC-stress tests of the TorchSharp 0.107 Scalar hazard (a temporary Scalar finalized while
// libtorch still reads it). Dispose stops and joins it.
internal sealed class CollectorThread : IDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly Thread _thread;

    public CollectorThread()
    {
        _thread = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true, Name = "GC stress collector" };
        _thread.Start();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
