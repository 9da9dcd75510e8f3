namespace Pipeline;

/// <summary>Shared by FlatMap and Interleave: calls the user's function that turns an element into a dataset.</summary>
static class Interleaving
{
    internal static Dataset<TOut> Open<TIn, TOut>(Func<TIn, Dataset<TOut>> function, TIn x, long index, string stage)
    {
        Dataset<TOut> inner;
        try
        {
            inner = function(x) ?? throw new InvalidOperationException("the function returned null instead of a dataset.");
        }
        catch (Exception e)
        {
            Elements.Dispose(x);
            throw new DatasetException(stage, index, e);
        }
        // The element lives on inside the inner dataset (e.g. a file name, or a tensor it slices); it is not disposed here.
        return inner;
    }
}
