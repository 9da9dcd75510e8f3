using TorchSharp;
using static TorchSharp.torch;

/// <summary>The same CIFAR-sized work through TorchSharp's own <c>torch.utils.data.DataLoader</c>, for comparison.</summary>
static class PipelineBenchDataLoader
{
    sealed class AugmentedImages(Tensor x, Tensor y, Func<Tensor, Tensor> augment) : torch.utils.data.Dataset
    {
        public override long Count => x.shape[0];

        public override Dictionary<string, Tensor> GetTensor(long index)
        {
            using var scope = torch.NewDisposeScope();
            var data = augment(x[index]);
            var label = y[index];
            scope.MoveToOuter(data, label);
            return new Dictionary<string, Tensor> { ["data"] = data, ["label"] = label };
        }
    }

    internal static IEnumerable<(Tensor, Tensor)> Batches(Tensor x, Tensor y, Func<Tensor, Tensor> augment, int workers)
    {
        using var loader = torch.utils.data.DataLoader(new AugmentedImages(x, y, augment), batchSize: 64, shuffle: false, num_worker: workers, disposeDataset: false);
        foreach (var batch in loader)
        {
            // The loader disposes its batch when it moves on; hand out our own handles like the other contenders.
            yield return (batch["data"].alias(), batch["label"].alias());
        }
    }
}
