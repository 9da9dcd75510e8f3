namespace Pipeline;

/// <summary><c>Filter</c>: keeps the elements the predicate accepts and disposes the others.</summary>
sealed class FilterDataset<T>(Dataset<T> input, Func<T, bool> predicate, string predicateName, StepTraits traits = StepTraits.None) : UnaryDataset<T, T>(input)
{
    protected override PlanStep CreateStep() => new PlanStep("Filter", StepKind.Filter, traits).With("predicate", predicateName, positional: true);

    public override long Cardinality() => Input.Cardinality() == Dataset.InfiniteCardinality ? Dataset.InfiniteCardinality : Dataset.UnknownCardinality;

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        long index = 0;
        foreach (var x in Input.Read(context))
        {
            bool keep;
            try
            {
                keep = Elements.RunScoped(predicate, x);
            }
            catch (Exception e)
            {
                Elements.Dispose(x);
                var error = new DatasetException(Stage, index, e);
                if (context.ErrorHandler is not { } handler) throw error;
                handler(error);   // under IgnoreErrors: drop the element, go on
                keep = false;
                index++;
                continue;
            }
            index++;
            if (keep) yield return x;
            else Elements.Dispose(x);
        }
    }
}
