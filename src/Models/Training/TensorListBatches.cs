using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>
/// Batches over in-memory input and label tensors that share their first (sample) axis, reshuffled each epoch with one
/// permutation for all of them; each yielded tensor is new (a view or a gathered copy) and owned by the caller.
/// </summary>
internal sealed class TensorListBatches(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, long samples, int batchSize, bool shuffle) : IMultiBatchSource
{
    public int? Steps => (int)((samples + batchSize - 1) / batchSize);

    public IEnumerator<(Tensor[] X, Tensor[] Y)> GetEnumerator()
    {
        Tensor? order = null;
        try
        {
            // libtorch's generator (the package's one random source); lives across steps, so outside any step's scope.
            if (shuffle) order = randperm(samples, ScalarType.Int64).DetachFromDisposeScope();
            for (long begin = 0; begin < samples; begin += batchSize)
            {
                long length = Math.Min(batchSize, samples - begin);
                using var index = order?.narrow(0, begin, length);
                yield return ([.. x.Select(t => Rows(t, index, begin, length))], [.. y.Select(t => Rows(t, index, begin, length))]);
            }
        }
        finally
        {
            order?.Dispose();
        }
    }

    static Tensor Rows(Tensor t, Tensor? index, long begin, long length)
    {
        if (index is null) return t.narrow(0, begin, length);
        if (index.device == t.device) return t.index_select(0, index);
        using var moved = index.to(t.device);
        return t.index_select(0, moved);
    }
}
