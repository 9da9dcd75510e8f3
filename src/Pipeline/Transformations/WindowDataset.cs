namespace Pipeline;

/// <summary>
/// <c>Window</c>: groups elements into windows of <c>size</c>, starting every <c>shift</c> elements and taking every
/// <c>stride</c>-th one. Elements that belong to several windows are shared (see Dataset.Window).
/// </summary>
sealed class WindowDataset<T>(Dataset<T> input, int size, int shift, int stride, bool dropRemainder) : UnaryDataset<T, T[]>(input)
{
    protected override PlanStep CreateStep()
    {
        var step = new PlanStep("Window", StepKind.Batch).With("size", size, positional: true);
        if (shift != size) step.With("shift", shift);
        if (stride != 1) step.With("stride", stride);
        if (dropRemainder) step.With("dropRemainder", true);
        return step;
    }

    protected override IEnumerable<T[]> Iterate(IterationContext context)
    {
        // buffer holds the elements from the current window's start; index of buffer[0] is `offset`.
        var buffer = new List<T>();
        long offset = 0, windowStart = 0;
        var span = (long)(size - 1) * stride + 1;
        try
        {
            foreach (var x in Input.Read(context))
            {
                buffer.Add(x);
                while (offset + buffer.Count >= windowStart + span)
                {
                    yield return Take(buffer, windowStart - offset, size);
                    windowStart += shift;
                    Release(buffer, ref offset, windowStart);
                }
            }
            while (!dropRemainder && windowStart < offset + buffer.Count)
            {
                var available = (int)((offset + buffer.Count - windowStart + stride - 1) / stride);
                yield return Take(buffer, windowStart - offset, Math.Min(size, available));
                windowStart += shift;
                Release(buffer, ref offset, windowStart);
            }
        }
        finally
        {
            foreach (var left in buffer) Elements.Dispose(left);
        }
    }

    T[] Take(List<T> buffer, long from, int count)
    {
        var window = new T[count];
        for (var i = 0; i < count; i++) window[i] = Share(buffer[(int)(from + (long)i * stride)]);
        return window;
    }

    static void Release(List<T> buffer, ref long offset, long windowStart)
    {
        var drop = (int)Math.Min(buffer.Count, windowStart - offset);
        if (drop <= 0) return;
        for (var i = 0; i < drop; i++) Elements.Dispose(buffer[i]);
        buffer.RemoveRange(0, drop);
        offset += drop;
    }

    static T Share(T x) => Elements.Share(x);
}
