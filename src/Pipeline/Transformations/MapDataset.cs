namespace Pipeline;

/// <summary><c>Map</c>: one output per input, sequential or on up to N worker threads, in order or as completed.</summary>
sealed class MapDataset<TIn, TOut>(Dataset<TIn> input, Func<TIn, TOut> function, string functionName, int numParallelCalls, bool? deterministic, StepTraits traits)
    : UnaryDataset<TIn, TOut>(input)
{
    protected override PlanStep CreateStep()
    {
        var step = new PlanStep("Map", StepKind.Map, traits).With("function", functionName, positional: true);
        if (numParallelCalls != 1) step.With("numParallelCalls", numParallelCalls, text: PlanStep.FormatAutotune(numParallelCalls));
        if (deterministic is { } d) step.With("deterministic", d);
        return step;
    }

    internal int NumParallelCalls => numParallelCalls;

    public override long Cardinality() => Input.Cardinality();

    protected override IEnumerable<TOut> Iterate(IterationContext context)
    {
        if (numParallelCalls == 1) return Sequential(context);
        var parallelism = numParallelCalls == Dataset.Autotune ? context.Options.ResolvedParallelism : numParallelCalls;
        if (context.Options.ThreadPoolSize > 0) parallelism = Math.Min(parallelism, context.Options.ThreadPoolSize);
        return parallelism <= 1 ? Sequential(context) : Parallel(context, parallelism, deterministic ?? context.Options.Deterministic);
    }

    TOut Apply(TIn x, long index)
    {
        TOut y;
        try
        {
            y = Elements.RunScoped(function, x);
        }
        catch (Exception e)
        {
            Elements.Dispose(x);
            throw new DatasetException(Stage, index, e);
        }
        Elements.DisposeConsumed(x, y);
        return y;
    }

    IEnumerable<TOut> Sequential(IterationContext context)
    {
        long index = 0;
        foreach (var x in Input.Read(context))
            yield return Apply(x, index++);
    }

    IEnumerable<TOut> Parallel(IterationContext context, int parallelism, bool ordered)
    {
        var token = context.CancellationToken;
        // At most `parallelism` calls run at once (the scheduler's cap), while twice as many are queued so that a
        // worker never idles waiting for the consumer to take the oldest result.
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, parallelism).ConcurrentScheduler;
        var window = 2 * parallelism;
        var inFlight = new List<Task<TOut>>(window);
        using var source = Input.Read(context).GetEnumerator();
        long index = 0;
        var inputDone = false;
        try
        {
            while (true)
            {
                while (!inputDone && inFlight.Count < window)
                {
                    if (!source.MoveNext()) { inputDone = true; break; }
                    var x = source.Current;
                    var i = index++;
                    inFlight.Add(Task.Factory.StartNew(() => Apply(x, i), CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler));
                }
                if (inFlight.Count == 0) yield break;
                token.ThrowIfCancellationRequested();
                var k = ordered ? 0 : Task.WaitAny([.. inFlight], token);
                var result = inFlight[k].GetAwaiter().GetResult();
                inFlight.RemoveAt(k);
                yield return result;
            }
        }
        finally
        {
            // Abandoned, cancelled or failed: let the running calls finish and dispose what they produced.
            foreach (var t in inFlight)
            {
                try { Elements.Dispose(t.GetAwaiter().GetResult()); }
                catch (Exception) { /* already reported, or superseded by the exception being thrown */ }
            }
        }
    }
}
