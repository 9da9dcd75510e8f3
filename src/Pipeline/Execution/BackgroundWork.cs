namespace Pipeline;

/// <summary>Counts the pipeline's own background producer threads, so tests can prove they all stop.</summary>
static class BackgroundWork
{
    static int _running;

    internal static int Running => Volatile.Read(ref _running);

    internal static Thread Start(string name, Action work)
    {
        Interlocked.Increment(ref _running);
        var thread = new Thread(() =>
        {
            try { work(); }
            finally { Interlocked.Decrement(ref _running); }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}
