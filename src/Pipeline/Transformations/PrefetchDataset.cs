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

    /// <summary>How much tensor data an AUTOTUNE prefetch buffer may hold ahead of the consumer.</summary>
    internal const long AutotuneBytes = 16L << 20;

    /// <summary>The deepest AUTOTUNE prefetch buffer (elements without tensors get this depth).</summary>
    internal const int MaxAutotuneBuffer = 64;

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
            var reader = run.Reader(context.CancellationToken);
            while (true)
            {
                if (reader.TryRead(out var item))
                {
                    if (context.CancellationToken.IsCancellationRequested)
                    {
                        Elements.Dispose(item);
                        context.CancellationToken.ThrowIfCancellationRequested();
                    }
                    yield return item;
                    continue;
                }
                if (!reader.WaitToReadAsync(context.CancellationToken).AsTask().GetAwaiter().GetResult()) break;
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
            var reader = await run.ReaderAsync(linked.Token).ConfigureAwait(false);
            while (await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                while (reader.TryRead(out var item))
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
    internal sealed class Run
    {
        readonly int _bufferSize;
        readonly TaskCompletionSource<Channel<T>> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        readonly CancellationTokenSource _stop;
        readonly Thread _thread;
        Channel<T>? _channel;
        Exception? _failure;

        internal Run(PrefetchDataset<T> owner, IterationContext context)
        {
            _bufferSize = owner.BufferSize;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            var inner = context.WithToken(_stop.Token);
            var input = owner.Input;
            _thread = BackgroundWork.Start("Pipeline Prefetch", () => Produce(input, inner));
        }

        /// <summary>The channel, once the producer has sized it from the first element.</summary>
        internal ChannelReader<T> Reader(CancellationToken token) => Volatile.Read(ref _channel)?.Reader ?? _ready.Task.WaitAsync(token).GetAwaiter().GetResult().Reader;

        /// <summary>Completes when the channel is open and has an element or is finished.</summary>
        internal Task WhenReadable(CancellationToken token) => Volatile.Read(ref _channel) is { } channel
            ? channel.Reader.WaitToReadAsync(token).AsTask()
            : _ready.Task.ContinueWith(t => t.Result.Reader.WaitToReadAsync(token).AsTask(), token, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();

        /// <summary>The channel if the producer has opened it already, without waiting.</summary>
        internal ChannelReader<T>? ReaderIfOpen => Volatile.Read(ref _channel)?.Reader;

        internal async ValueTask<ChannelReader<T>> ReaderAsync(CancellationToken token) => _channel?.Reader ?? (await _ready.Task.WaitAsync(token).ConfigureAwait(false)).Reader;

        /// <summary>
        /// The buffer: as given, or for AUTOTUNE as many elements as fit in <see cref="AutotuneBytes"/> (at least 2, at
        /// most 64), judged from the first element. Small elements get a deep buffer, so the threads hand over work
        /// rarely; large batches get a shallow one, so memory stays bounded.
        /// </summary>
        int Capacity(T first)
        {
            if (_bufferSize != Dataset.Autotune) return _bufferSize;
            long bytes = 0;
            if (first is not null && Elements.HoldsResources<T>())
                Elements.Visit(first, d => { if (d is TorchSharp.torch.Tensor t) bytes += t.numel() * t.ElementSize; });
            return bytes == 0 ? MaxAutotuneBuffer : (int)Math.Clamp(AutotuneBytes / bytes, 2, MaxAutotuneBuffer);
        }

        Channel<T> Open(int capacity)
        {
            var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
            Volatile.Write(ref _channel, channel);
            _ready.TrySetResult(channel);
            return channel;
        }

        void Produce(Dataset<T> input, IterationContext context)
        {
            var token = context.CancellationToken;
            Channel<T>? channel = null;
            try
            {
                foreach (var x in input.Read(context))
                {
                    channel ??= Open(Capacity(x));
                    if (!Write(channel.Writer, x, token)) break;
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
                channel ??= Open(1);
                channel.Writer.TryComplete();
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
            if (_channel is { } channel)
                while (channel.Reader.TryRead(out var left)) Elements.Dispose(left);
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
            Cancel();
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

    /// <summary>Starts one iteration's producer (for steps that read several prefetched inputs, like a parallel Interleave).</summary>
    internal Run Start(IterationContext context) => new(this, context);
}
