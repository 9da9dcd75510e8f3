namespace Pipeline;

/// <summary>
/// <c>Interleave</c> with tf.data's order: open <c>cycleLength</c> inner datasets from consecutive input elements,
/// take <c>blockLength</c> elements from each in turn, and replace an exhausted one with the next input element.
/// With parallel calls, each open inner dataset is produced ahead on its own background thread; the order stays the
/// tf.data's deterministic order (<c>deterministic: false</c> is accepted, and permits but does not yet produce
/// another order).
/// </summary>
sealed class InterleaveDataset<TIn, TOut>(Dataset<TIn> input, Func<TIn, Dataset<TOut>> function, string functionName,
    int cycleLength, int blockLength, int numParallelCalls, bool? deterministic) : UnaryDataset<TIn, TOut>(input)
{
    protected override PlanStep CreateStep()
    {
        var step = new PlanStep("Interleave", StepKind.FlatMap, Dataset.GuessTraits(functionName)).With("function", functionName, positional: true)
            .With("cycleLength", cycleLength, text: PlanStep.FormatAutotune(cycleLength));
        if (blockLength != 1) step.With("blockLength", blockLength);
        if (numParallelCalls != 1) step.With("numParallelCalls", numParallelCalls, text: PlanStep.FormatAutotune(numParallelCalls));
        if (deterministic is { } d) step.With("deterministic", d);
        return step;
    }

    sealed class Slot(IEnumerator<TOut> enumerator)
    {
        public IEnumerator<TOut> Enumerator { get; } = enumerator;
    }

    protected override IEnumerable<TOut> Iterate(IterationContext context)
    {
        var cycle = cycleLength == Dataset.Autotune ? context.Options.ResolvedParallelism : cycleLength;
        var parallel = numParallelCalls != 1;
        var slots = new List<Slot?>(cycle);
        using var source = Input.Read(context).GetEnumerator();
        long inputIndex = 0;
        var inputDone = false;
        try
        {
            Slot? OpenNext()
            {
                if (inputDone || !source.MoveNext()) { inputDone = true; return null; }
                var inner = Interleaving.Open(function, source.Current, inputIndex++, Stage);
                // In parallel mode every open inner dataset runs ahead on its own thread through a small buffer.
                if (parallel) inner = new PrefetchDataset<TOut>(inner, Math.Max(2, blockLength));
                return new Slot(inner.Read(context).GetEnumerator());
            }

            for (var i = 0; i < cycle; i++)
            {
                var slot = OpenNext();
                if (slot is null) break;
                slots.Add(slot);
            }
            var current = 0;
            while (slots.Count > 0)
            {
                var slot = slots[current];
                var produced = 0;
                while (produced < blockLength && slot is not null)
                {
                    if (slot.Enumerator.MoveNext())
                    {
                        produced++;
                        yield return slot.Enumerator.Current;
                        continue;
                    }
                    // Exhausted: the next input element takes this slot, and the cycle moves on (tf.data's order).
                    slot.Enumerator.Dispose();
                    slots[current] = OpenNext();
                    break;
                }
                if (slots[current] is null)
                {
                    slots.RemoveAt(current);
                    if (slots.Count == 0) break;
                    current %= slots.Count;
                }
                else current = (current + 1) % slots.Count;
            }
        }
        finally
        {
            foreach (var s in slots) s?.Enumerator.Dispose();
        }
    }
}
