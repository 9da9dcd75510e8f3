namespace Pipeline;

/// <summary>
/// <c>Interleave</c> with tf.data's order: open <c>cycleLength</c> inner datasets from consecutive input elements,
/// take <c>blockLength</c> elements from each in turn, and replace an exhausted one with the next input element.
/// With parallel calls, each open inner dataset is produced ahead on its own background thread; the order stays the
/// tf.data's deterministic order unless <c>deterministic</c> is false: then a slot with elements ready takes over from
/// one that has none.
/// </summary>
sealed class InterleaveDataset<TIn, TOut>(Dataset<TIn> input, Func<TIn, Dataset<TOut>> function, string functionName,
    int cycleLength, int blockLength, int numParallelCalls, bool? deterministic) : UnaryDataset<TIn, TOut>(input)
{
    protected override PlanStep CreateStep()
    {
        var step = new PlanStep("Interleave", StepKind.FlatMap, Dataset.InferTraits(function, functionName)).With("function", functionName, positional: true)
            .With("cycleLength", cycleLength, text: PlanStep.FormatAutotune(cycleLength));
        if (blockLength != 1) step.With("blockLength", blockLength);
        if (numParallelCalls != 1) step.With("numParallelCalls", numParallelCalls, text: PlanStep.FormatAutotune(numParallelCalls));
        if (deterministic is { } d) step.With("deterministic", d);
        return step;
    }

    protected override IEnumerable<TOut> Iterate(IterationContext context)
    {
        var cycle = cycleLength == Dataset.Autotune ? context.Options.ResolvedParallelism : cycleLength;
        return numParallelCalls == 1 ? Sequential(context, cycle) : Parallel(context, cycle, deterministic ?? context.Options.Deterministic);
    }

    IEnumerable<TOut> Sequential(IterationContext context, int cycle)
    {
        var slots = new List<IEnumerator<TOut>?>(Math.Min(cycle, Dataset.MaxPreallocatedElements));
        using var source = Input.Read(context).GetEnumerator();
        long inputIndex = 0;
        try
        {
            IEnumerator<TOut>? OpenNext() =>
                source.MoveNext() ? Interleaving.Open(function, source.Current, inputIndex++, Stage).Read(context).GetEnumerator() : null;

            for (var i = 0; i < cycle && OpenNext() is { } slot; i++) slots.Add(slot);
            var current = 0;
            while (slots.Count > 0)
            {
                var slot = slots[current]!;
                for (var produced = 0; produced < blockLength; produced++)
                {
                    if (slot.MoveNext())
                    {
                        yield return slot.Current;
                        continue;
                    }
                    // Exhausted: the next input element takes this slot, and the cycle moves on (tf.data's order).
                    slot.Dispose();
                    slots[current] = OpenNext();
                    break;
                }
                current = Advance(slots, current);
            }
        }
        finally
        {
            foreach (var s in slots) s?.Dispose();
        }
    }

    /// <summary>
    /// Each open inner dataset runs ahead on its own background thread. Deterministic: the sequential order exactly.
    /// Otherwise, when the current slot has nothing ready, a slot that has takes over, so one slow file does not stall
    /// the others.
    /// </summary>
    IEnumerable<TOut> Parallel(IterationContext context, int cycle, bool ordered)
    {
        var token = context.CancellationToken;
        var slots = new List<PrefetchDataset<TOut>.Run?>(Math.Min(cycle, Dataset.MaxPreallocatedElements));
        var guard = new AbandonGuard(slots);
        using var source = Input.Read(context).GetEnumerator();
        long inputIndex = 0;
        try
        {
            PrefetchDataset<TOut>.Run? OpenNext() =>
                source.MoveNext() ? new PrefetchDataset<TOut>(Interleaving.Open(function, source.Current, inputIndex++, Stage), Math.Max(2, blockLength)).Start(context) : null;

            for (var i = 0; i < cycle && OpenNext() is { } slot; i++) slots.Add(slot);
            var current = 0;
            var produced = 0;
            while (slots.Count > 0)
            {
                token.ThrowIfCancellationRequested();
                var slot = slots[current]!;
                if (!ordered)
                {
                    var open = slot.ReaderIfOpen;
                    var settled = open is not null && (open.TryPeek(out _) || open.Completion.IsCompleted);
                    if (!settled)
                    {
                        // Nothing ready here: a slot that has an element ready takes over.
                        var ready = slots.FindIndex(s => s?.ReaderIfOpen is { } r && (r.TryPeek(out _) || r.Completion.IsCompleted));
                        if (ready < 0)
                        {
                            // None is: wait for whichever slot gets an element (or finishes) first.
                            Task.WaitAny([.. slots.Select(s => s!.WhenReadable(token))], token);
                            continue;
                        }
                        current = ready;
                        produced = 0;
                        continue;
                    }
                }
                var reader = slot.Reader(token);
                if (reader.TryRead(out var item))
                {
                    yield return item;
                    if (++produced == blockLength) { produced = 0; current = (current + 1) % slots.Count; }
                    continue;
                }
                if (reader.Completion.IsCompleted)
                {
                    slot.ThrowIfFailed();
                    slot.Stop();
                    slots[current] = OpenNext();
                    produced = 0;
                    current = Advance(slots, current);
                    continue;
                }
                reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            foreach (var s in slots) s?.Stop();
            GC.SuppressFinalize(guard);
        }
    }

    /// <summary>Stops the inner producers if an enumerator is dropped without being disposed.</summary>
    sealed class AbandonGuard(List<PrefetchDataset<TOut>.Run?> slots)
    {
        ~AbandonGuard()
        {
            foreach (var s in slots.ToArray()) s?.Cancel();
        }
    }

    /// <summary>Moves to the next slot, first dropping the current one if it was closed for good.</summary>
    static int Advance<TSlot>(List<TSlot?> slots, int current) where TSlot : class
    {
        if (slots[current] is not null) return (current + 1) % slots.Count;
        slots.RemoveAt(current);
        return slots.Count == 0 ? 0 : current % slots.Count;
    }
}
