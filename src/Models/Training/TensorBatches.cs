using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>Batches over in-memory (x, y) tensors, reshuffled each epoch; each yielded pair is new and owned by the caller.</summary>
internal sealed class TensorBatches : IBatchSource
{
    readonly Tensor _x;
    readonly Tensor? _y;
    readonly long _start;
    readonly long _count;
    readonly int _batchSize;
    readonly bool _shuffle;
    readonly Tensor? _weights;

    public TensorBatches(Tensor x, Tensor? y, long start, long count, int batchSize, bool shuffle, Tensor? sampleWeight = null)
    {
        (_x, _y, _start, _count, _batchSize, _shuffle, _weights) = (x, y, start, count, batchSize, shuffle, sampleWeight);
    }

    /// <inheritdoc />
    public Tensor? CurrentSampleWeight { get; private set; }

    public int? Steps => (int)((_count + _batchSize - 1) / _batchSize);

    public long Count => _count;

    public IEnumerator<(Tensor X, Tensor Y)> GetEnumerator()
    {
        // One permutation per epoch; batches are gathered with index_select (a copy the step owns).
        Tensor? order = null;
        try
        {
            if (_shuffle)
            {
                using var permutation = randperm(_count, ScalarType.Int64);
                // Lives across steps, so it must not belong to the step's dispose scope.
                using var start = _start.ToScalar();
                order = (_start == 0 ? permutation.alias() : permutation.add(start, Scalars.One)).DetachFromDisposeScope();
            }
            for (long begin = 0; begin < _count; begin += _batchSize)
            {
                long length = Math.Min(_batchSize, _count - begin);
                if (order is not null)
                {
                    using var index = order.narrow(0, begin, length);
                    CurrentSampleWeight = _weights?.index_select(0, index);
                    yield return (_x.index_select(0, index), _y is null ? empty(0) : _y.index_select(0, index));
                }
                else
                {
                    CurrentSampleWeight = _weights?.narrow(0, _start + begin, length);
                    yield return (_x.narrow(0, _start + begin, length), _y is null ? empty(0) : _y.narrow(0, _start + begin, length));
                }
            }
        }
        finally
        {
            order?.Dispose();
        }
    }
}
