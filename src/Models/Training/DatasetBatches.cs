using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>Batches from a <see cref="Dataset{T}"/>; the step count is the dataset's cardinality, or learnt after one pass.</summary>
internal sealed class DatasetBatches(Dataset<(Tensor, Tensor)> dataset) : IBatchSource
{
    int? _counted;

    public int? Steps
    {
        get
        {
            long cardinality = dataset.Cardinality();
            if (cardinality == Dataset.InfiniteCardinality)
                throw new ArgumentException($"The dataset is infinite ({dataset}); Fit needs a finite dataset per epoch (remove Repeat() or add Take(n)).", nameof(dataset));
            return cardinality >= 0 ? (int)cardinality : _counted;
        }
    }

    public IEnumerator<(Tensor X, Tensor Y)> GetEnumerator()
    {
        int count = 0;
        foreach (var element in dataset)
        {
            count++;
            yield return element;
        }
        _counted = count;
    }
}
