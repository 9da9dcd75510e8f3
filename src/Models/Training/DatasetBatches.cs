using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>
/// Batches from a <see cref="Dataset{T}"/>. Without <c>steps</c> an epoch is one full pass and the step count is the
/// dataset's cardinality (or learnt after one pass); an infinite dataset is refused up front, before any step runs.
/// With <c>steps</c> an epoch is exactly that many batches; on an infinite dataset one iteration continues across
/// epochs (Keras's behaviour), on a finite one each epoch starts a new pass and may end early when it runs out.
/// </summary>
internal sealed class DatasetBatches<T> : IDisposable
{
    readonly Dataset<T> _dataset;
    readonly int? _steps;
    readonly bool _infinite;
    IEnumerator<T>? _continuing;
    int? _counted;

    /// <param name="dataset">The data.</param>
    /// <param name="steps">Batches per epoch, or null for full passes.</param>
    /// <param name="operation">"Fit", "Evaluate" or "Predict", for messages.</param>
    /// <param name="argument">The argument the dataset came in (dataset, validationData).</param>
    /// <param name="stepsArgument">The argument that bounds it (stepsPerEpoch, validationSteps, steps).</param>
    public DatasetBatches(Dataset<T> dataset, int? steps, string operation, string argument, string stepsArgument)
    {
        _dataset = dataset;
        if (steps is int s && s <= 0)
            throw new ArgumentOutOfRangeException(stepsArgument, s, $"{operation}: {stepsArgument} must be positive.");
        _steps = steps;
        long cardinality = dataset.Cardinality();
        _infinite = cardinality == Dataset.InfiniteCardinality;
        if (_infinite && steps is null)
            throw new ArgumentException(
                $"{operation}: the {argument} is infinite ({dataset}), so an epoch would never end. " +
                $"Pass {stepsArgument} to say how many batches to use, or make the dataset finite (Take(n), or Repeat(count) instead of Repeat()).",
                argument);
        Cardinality = cardinality;
    }

    long Cardinality { get; }

    /// <summary>Batches per epoch, or null when unknown in advance.</summary>
    public int? Steps =>
        _steps is int s ? (Cardinality >= 0 ? (int)Math.Min(s, Cardinality) : s)
        : Cardinality >= 0 ? (int)Cardinality : _counted;

    public IEnumerator<T> GetEnumerator()
    {
        if (_infinite)
        {
            _continuing ??= _dataset.GetEnumerator();
            for (int i = 0; i < _steps && _continuing.MoveNext(); i++) yield return _continuing.Current;
            yield break;
        }
        int count = 0;
        foreach (var element in _dataset)
        {
            count++;
            yield return element;
            // Stop before fetching the next element: a fetched batch nobody consumes would leak.
            if (count == _steps) yield break;
        }
        if (_steps is null) _counted = count;
    }

    public void Dispose()
    {
        _continuing?.Dispose();
        _continuing = null;
    }
}
