// Deliberately outside the Pipeline namespace: user code sees Pipeline's extension methods and LINQ's at the same
// level, so this file proves the fluent API binds without ambiguity (it fails to compile otherwise).
using Pipeline;
using TorchSharp;

namespace ConsumerCode;

public class UserCodeCompiles
{
    [Fact]
    public void The_fluent_api_binds_to_Dataset_methods_next_to_LINQ()
    {
        Dataset<long> ds = Dataset.Range(20).Take(10).Skip(2).Shuffle(4, seed: 1).Repeat(2).Shard(2, 0).Filter(x => x >= 0).Map(x => x + 1);
        Dataset<(long, long)> zipped = ds.Zip(Dataset.Range(3));
        Dataset<long> joined = ds.Concatenate(Dataset.Range(1));
        Dataset<(long Index, long Element)> counted = joined.Enumerate();
        Dataset<torch.Tensor> batched = ds.Batch(3);
        IEnumerable<long> cancellable = ds.WithCancellation(CancellationToken.None);
        Assert.Equal(ds.Count(), cancellable.Count());
        Assert.Equal(3, zipped.Count());
        Assert.Equal(counted.Count(), joined.Count());
        foreach (var b in batched) b.Dispose();
    }
}
