using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Pipeline;

/// <summary>
/// <c>Prefetch</c>: a background thread runs the input pipeline up to <c>bufferSize</c> elements ahead of the
/// consumer, through a bounded channel. The thread stops and buffered elements are disposed when the iteration
/// ends, is cancelled, is abandoned (enumerator disposed, or collected without being disposed) or fails.
/// </summary>
sealed class PrefetchDataset<T>(Dataset<T> input, int bufferSize) : UnaryDataset<T, T>(input)
{
    protected override PlanStep CreateStep() =>
        new PlanStep("Prefetch", StepKind.Prefetch).With("bufferSize", bufferSize, positional: true, text: PlanStep.FormatAutotune(bufferSize));

    public override long Cardinality() => Input.Cardinality();

    /// <summary>AUTOTUNE's buffer: enough for every core to be one element ahead, and at least two.</summary>
    static int Resolve(int bufferSize, DatasetOptions options) =>
        bufferSize == Dataset.Autotune ? Math.Max(2, options.ResolvedParallelism) : bufferSize;

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        if (bufferSize == 0) return Input.Read(context);
        return Consume(context);
    }

    protected override IAsyncEnumerable<T> IterateAsync(IterationContext context) => ConsumeAsync(context, default);

    IEnumerable<T> Consume(IterationContext context)
    {
        var run = new Run(this, context);
        var guard = new AbandonGuard(run);
        try
        {
            while (true)
            {
                if (run.Reader.TryRead(out var item))
                {
                    if (context.CancellationToken.IsCancellationRequested)
                    {
                        Elements.Dispose(item);
                        context.CancellationToken.ThrowIfCancellationRequested();
                    }
                    yield return item;
                    continue;
                }
                if (!run.Reader.WaitToReadAsync(context.CancellationToken).AsTask().GetAwaiter().GetResult()) break;
            }
            run.ThrowIfFailed();
        }
        finally
        {
            run.Stop();
            GC.SuppressFinalize(guard);
        }
    }

    async IAsyncEnumerable<T> ConsumeAsync(IterationContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (bufferSize == 0)
        {
            await foreach (var x in Input.ReadAsync(context).WithCancellation(cancellationToken)) yield return x;
            yield break;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, cancellationToken);
        var run = new Run(this, context);
        var guard = new AbandonGuard(run);
        try
        {
            while (await run.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                while (run.Reader.TryRead(out var item))
                {
                    if (linked.Token.IsCancellationRequested)
                    {
                        Elements.Dispose(item);
                        linked.Token.ThrowIfCancellationRequested();
                    }
                    yield return item;
                }
            run.ThrowIfFailed();
        }
        finally
        {
            run.Stop();
            GC.SuppressFinalize(guard);
        }
    }

    /// <summary>One iteration's producer thread and channel.</summary>
    sealed class Run
    {
        readonly Channel<T> _channel;
        readonly CancellationTokenSource _stop;
        readonly Thread _thread;
        Exception? _failure;

        internal Run(PrefetchDataset<T> owner, IterationContext context)
        {
            _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(Resolve(owner.BufferSize, context.Options))
            {
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            _stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            var inner = context.WithToken(_stop.Token);
            var input = owner.Input;
            _thread = BackgroundWork.Start("Pipeline Prefetch", () => Produce(input, inner));
        }

        internal ChannelReader<T> Reader => _channel.Reader;

        void Produce(Dataset<T> input, IterationContext context)
        {
            var writer = _channel.Writer;
            var token = context.CancellationToken;
            try
            {
                foreach (var x in input.Read(context))
                {
                    if (!Write(writer, x, token)) break;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopped by the consumer (or its token): not a failure.
            }
            catch (Exception e)
            {
                _failure = e;
            }
            finally
            {
                writer.TryComplete();
                // When the consumer is gone, nobody else will take what is left.
                if (token.IsCancellationRequested) Drain();
            }
        }

        static bool Write(ChannelWriter<T> writer, T item, CancellationToken token)
        {
            try
            {
                while (!writer.TryWrite(item))
                    if (!writer.WaitToWriteAsync(token).AsTask().GetAwaiter().GetResult()) { Elements.Dispose(item); return false; }
                return true;
            }
            catch
            {
                Elements.Dispose(item);
                throw;
            }
        }

        void Drain()
        {
            while (_channel.Reader.TryRead(out var left)) Elements.Dispose(left);
        }

        internal void ThrowIfFailed()
        {
            _thread.Join();
            if (_failure is { } e) ExceptionDispatchInfo.Throw(e);
        }

        internal void Cancel()
        {
            try { _stop.Cancel(); } catch (ObjectDisposedException) { }
        }

        internal void Stop()
        {
            try { _stop.Cancel(); } catch (ObjectDisposedException) { }
            if (Thread.CurrentThread != _thread) _thread.Join();
            Drain();
        }
    }

    /// <summary>Stops the producer if an enumerator is dropped without being disposed.</summary>
    sealed class AbandonGuard(Run run)
    {
        ~AbandonGuard()
        {
            // Only signal: the producer sees the token, stops and disposes what it buffered.
            run.Cancel();
        }
    }

    int BufferSize => bufferSize;
}
