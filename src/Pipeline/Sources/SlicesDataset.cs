namespace Pipeline;

/// <summary>
/// A source of <c>count</c> elements produced by index (FromTensorSlices, Range). <see cref="Batch"/> lets a
/// following Batch take whole slices at once instead of stacking single elements.
/// </summary>
sealed class SlicesDataset<T>(PlanStep step, long count, Func<long, T> element, Func<long, long, T>? batch = null, Func<long[], T>? gather = null) : Dataset<T>
{
    public override PlanStep Step => step;

    public override long Cardinality() => count;

    internal long Count => count;

    /// <summary>Every slice has the shape of the first.</summary>
    internal override ElementSpec? InferElementSpec()
    {
        if (ElementSpecs.FromType(typeof(T)) is { } known || count == 0) return base.InferElementSpec();
        var first = element(0);
        try
        {
            return ElementSpecs.Of(first, typeof(T));
        }
        finally
        {
            Elements.Dispose(first);
        }
    }

    /// <summary>Elements [start, start+length) stacked, or null when this source cannot slice in bulk.</summary>
    internal Func<long, long, T>? Batch => batch;

    /// <summary>The elements at the given indices stacked (one gather per tensor), or null when this source cannot gather.</summary>
    internal Func<long[], T>? Gather => gather;

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        var token = context.CancellationToken;
        for (long i = 0; i < count; i++)
        {
            token.ThrowIfCancellationRequested();
            yield return Elements.Detach(element(i));
        }
    }
}
