namespace Pipeline;

/// <summary><c>FromGenerator</c>: calls the generator once per iteration and yields what it yields.</summary>
sealed class GeneratorDataset<T>(Func<IEnumerable<T>> generator, string generatorName, long cardinality) : Dataset<T>
{
    readonly PlanStep _step = new PlanStep("FromGenerator", StepKind.Source).With("generator", generatorName, positional: true);

    public override PlanStep Step => _step;

    public override long Cardinality() => cardinality;

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        var stage = _step.ToString();
        IEnumerator<T> source;
        try
        {
            source = (generator() ?? throw new InvalidOperationException("the generator returned null.")).GetEnumerator();
        }
        catch (Exception e) when (e is not DatasetException)
        {
            throw new DatasetException(stage, 0, e);
        }
        using (source)
        {
            long index = 0;
            while (true)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                bool more;
                try
                {
                    more = source.MoveNext();
                }
                catch (Exception e) when (e is not DatasetException and not OperationCanceledException)
                {
                    throw new DatasetException(stage, index, e);
                }
                if (!more) yield break;
                index++;
                yield return Elements.Detach(source.Current);
            }
        }
    }
}
