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

    internal override ElementSpec? InferElementSpec() => ElementSpecs.Through(Input.InferElementSpec(), function);

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
        var handler = context.ErrorHandler;
        foreach (var x in Input.Read(context))
        {
            TOut y;
            try
            {
                y = Apply(x, index++);
            }
            catch (DatasetException e) when (handler is not null)
            {
                handler(e);   // under IgnoreErrors: drop the element, go on
                continue;
            }
            yield return y;
        }
    }

    /// <summary>The work one task should carry: cheap functions are grouped so that scheduling does not dominate.</summary>
    static readonly long TargetTicksPerTask = System.Diagnostics.Stopwatch.Frequency / 10_000;   // 100 µs

    const int MaxChunk = 32;

    /// <summary>What one task produced: outputs in input order, then possibly the exception that stopped it.</summary>
    sealed class Chunk(int capacity)
    {
        public readonly List<TOut> Outputs = new(capacity);
        public Exception? Error;
    }

    IEnumerable<TOut> Parallel(IterationContext context, int parallelism, bool ordered)
    {
        var token = context.CancellationToken;
        var handler = context.ErrorHandler;
        // At most `parallelism` tasks run at once (the scheduler's cap), while twice as many are queued so that a
        // worker never idles waiting for the consumer to take the oldest result. A task maps a run of consecutive
        // elements, as many as take about 100 µs by the calls timed so far (one at first, at most 32).
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, parallelism).ConcurrentScheduler;
        var window = (int)Math.Min(2L * parallelism, int.MaxValue);   // long: numParallelCalls may be int.MaxValue
        var inFlight = new List<Task<Chunk>>(Math.Min(window, Dataset.MaxPreallocatedElements));
        long calls = 0, callTicks = 0;
        using var source = Input.Read(context).GetEnumerator();
        long index = 0;
        var inputDone = false;

        Chunk Run(TIn[] inputs, long first)
        {
            var chunk = new Chunk(inputs.Length);
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            var i = 0;
            try
            {
                for (; i < inputs.Length; i++)
                {
                    if (token.IsCancellationRequested) break;
                    try
                    {
                        chunk.Outputs.Add(Apply(inputs[i], first + i));
                    }
                    catch (DatasetException e) when (handler is not null)
                    {
                        handler(e);   // under IgnoreErrors: drop the element, go on
                    }
                }
            }
            catch (Exception e)
            {
                chunk.Error = e;
                i++;   // Apply disposed the element it failed on
            }
            for (; i < inputs.Length; i++) Elements.Dispose(inputs[i]);
            Interlocked.Add(ref callTicks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
            Interlocked.Add(ref calls, Math.Max(1, chunk.Outputs.Count));
            return chunk;
        }

        int ChunkSize()
        {
            var n = Interlocked.Read(ref calls);
            if (n == 0) return 1;
            var perCall = Math.Max(1, Interlocked.Read(ref callTicks) / n);
            return (int)Math.Clamp(TargetTicksPerTask / perCall, 1, MaxChunk);
        }

        try
        {
            while (true)
            {
                while (!inputDone && inFlight.Count < window)
                {
                    var size = ChunkSize();
                    var inputs = new List<TIn>(size);
                    try
                    {
                        while (inputs.Count < size)
                        {
                            if (!source.MoveNext()) { inputDone = true; break; }
                            inputs.Add(source.Current);
                        }
                    }
                    catch
                    {
                        // The input failed or saw the cancellation while a chunk was being gathered: the elements
                        // taken so far belong to no task yet, so nobody else would dispose them.
                        foreach (var x in inputs) Elements.Dispose(x);
                        throw;
                    }
                    if (inputs.Count == 0) break;
                    var batch = inputs.ToArray();
                    var first = index;
                    index += batch.Length;
                    inFlight.Add(Task.Factory.StartNew(() => Run(batch, first), CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler));
                }
                if (inFlight.Count == 0) yield break;
                token.ThrowIfCancellationRequested();
                var k = ordered ? 0 : Task.WaitAny([.. inFlight], token);
                var done = inFlight[k].GetAwaiter().GetResult();
                inFlight.RemoveAt(k);
                var next = 0;
                try
                {
                    while (next < done.Outputs.Count) yield return done.Outputs[next++];
                }
                finally
                {
                    // Left early: the rest of this chunk is ours to dispose.
                    for (var j = next; j < done.Outputs.Count; j++) Elements.Dispose(done.Outputs[j]);
                }
                token.ThrowIfCancellationRequested();
                if (done.Error is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            // Abandoned, cancelled or failed: let the running tasks finish and dispose what they produced.
            foreach (var t in inFlight)
            {
                try
                {
                    foreach (var y in t.GetAwaiter().GetResult().Outputs) Elements.Dispose(y);
                }
                catch (Exception) { /* tasks never fault: Run keeps its exception in the chunk */ }
            }
        }
    }
}
