using System.Diagnostics;
using Pipeline;

/// <summary>
/// A pass-through last step that adds up the time its consumer spends waiting in MoveNext for the next element: put on
/// top of a pipeline given to <c>Model.Fit</c>, it measures how long training waits on its input.
/// </summary>
sealed class PipelineBenchWaitProbe<T>(Dataset<T> input) : Dataset<T>
{
    readonly PlanStep _step = new("WaitProbe", StepKind.Other);
    long _waitTicks;
    long _firstWaitTicks;
    long _elements;

    public override PlanStep Step => _step;

    public override IReadOnlyList<IDataset> Inputs => [input];

    public override long Cardinality() => input.Cardinality();

    /// <summary>Total time spent inside the input's MoveNext, over all iterations so far.</summary>
    public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);

    /// <summary>The wait for the first element of the latest iteration (pipeline start-up included).</summary>
    public TimeSpan FirstWait => TimeSpan.FromTicks(Interlocked.Read(ref _firstWaitTicks) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);

    /// <summary>Elements handed out so far.</summary>
    public long Elements => Interlocked.Read(ref _elements);

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        using var e = input.Read(context).GetEnumerator();
        var first = true;
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            var more = e.MoveNext();
            var waited = Stopwatch.GetTimestamp() - start;
            Interlocked.Add(ref _waitTicks, waited);
            if (first) Interlocked.Exchange(ref _firstWaitTicks, waited);
            first = false;
            if (!more) yield break;
            Interlocked.Increment(ref _elements);
            yield return e.Current;
        }
    }
}
