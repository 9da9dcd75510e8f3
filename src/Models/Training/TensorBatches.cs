using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>
/// Batches over in-memory input, label and sample-weight tensors that share their first (sample) axis, reshuffled each
/// epoch with one permutation for all of them; each yielded tensor is new (a view or a gathered copy) and owned by the
/// caller. A weight tensor given for several outputs is gathered once per batch.
/// </summary>
internal sealed class TensorBatches(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, IReadOnlyList<Tensor?>? sampleWeight, long samples, int batchSize,
    bool shuffle) : IBatchSource
{
    public int? Steps => (int)((samples + batchSize - 1) / batchSize);

    public IEnumerator<(Tensor[] X, Tensor[] Y, Tensor?[]? SampleWeight)> GetEnumerator()
    {
        Tensor? order = null;
        try
        {
            // libtorch's generator (the package's one random source, seeded by Utils.SetRandomSeed); lives across
            // steps, so it must not belong to a step's dispose scope.
            if (shuffle) order = randperm(samples, ScalarType.Int64).DetachFromDisposeScope();
            for (long begin = 0; begin < samples; begin += batchSize)
            {
                long length = Math.Min(batchSize, samples - begin);
                using var index = order?.narrow(0, begin, length);
                var xs = new Tensor[x.Count];
                for (int i = 0; i < xs.Length; i++) xs[i] = Rows(x[i], index, begin, length);
                var ys = new Tensor[y.Count];
                for (int i = 0; i < ys.Length; i++) ys[i] = Rows(y[i], index, begin, length);
                yield return (xs, ys, Weights(index, begin, length));
            }
        }
        finally
        {
            order?.Dispose();
        }
    }

    Tensor?[]? Weights(Tensor? index, long begin, long length)
    {
        if (sampleWeight is null) return null;
        var rows = new Tensor?[sampleWeight.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            var w = sampleWeight[i];
            if (w is null) continue;
            int same = 0;
            while (!ReferenceEquals(sampleWeight[same], w)) same++;
            rows[i] = same < i ? rows[same] : Rows(w, index, begin, length);
        }
        return rows;
    }

    static Tensor Rows(Tensor t, Tensor? index, long begin, long length)
    {
        if (index is null) return t.narrow(0, begin, length);
        if (index.device == t.device) return t.index_select(0, index);
        using var moved = index.to(t.device);
        return t.index_select(0, moved);
    }
}
