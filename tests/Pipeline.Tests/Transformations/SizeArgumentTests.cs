using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transformations;

/// <summary>
/// Count and size arguments as tf.data reads them: any negative count means -1, and a size far beyond the data
/// (Batch(int.MaxValue) to take everything, a huge shuffle buffer) costs no more memory than the data itself.
/// </summary>
public class SizeArgumentTests
{
    [Fact]
    public void Take_with_any_negative_count_takes_everything()
    {
        Assert.Equal([0L, 1, 2], Dataset.Range(3).Take(-2));
        Assert.Equal([0L, 1, 2], Dataset.Range(3).Take(long.MinValue));
        Assert.Equal(3, Dataset.Range(3).Take(-7).Cardinality());
    }

    [Fact]
    public void Skip_with_any_negative_count_skips_everything()
    {
        Assert.Empty(Dataset.Range(3).Skip(-2));
        Assert.Equal(0, Dataset.Range(3).Skip(-100L).Cardinality());
    }

    [Fact]
    public void Repeat_with_any_negative_count_repeats_forever()
    {
        var ds = Dataset.Range(2).Repeat(-2);
        Assert.Equal(Dataset.InfiniteCardinality, ds.Cardinality());
        Assert.Equal([0L, 1, 0, 1, 0], ds.Take(5));
        Assert.Equal("Range(2) -> Repeat", Dataset.Range(2).Repeat(-5).ToString());
    }

    [Fact]
    public void Batch_of_int_MaxValue_yields_the_whole_dataset_as_one_batch()
    {
        var batches = Dataset.FromTensorSlices(torch.arange(10)).Map(x => x * 2).Batch(int.MaxValue).ToList();
        var batch = Assert.Single(batches);
        using (batch) Assert.Equal([0L, 2, 4, 6, 8, 10, 12, 14, 16, 18], batch.data<long>().ToArray());
    }

    [Fact]
    public void Batch_of_int_MaxValue_over_a_source_of_unknown_size_yields_one_batch()
    {
        var batches = Dataset.Range(5).Filter(x => x != 2).Map(x => torch.tensor(x)).Batch(int.MaxValue).ToList();
        var batch = Assert.Single(batches);
        using (batch) Assert.Equal([0L, 1, 3, 4], batch.data<long>().ToArray());
    }

    [Fact]
    public void Map_with_int_MaxValue_parallel_calls_maps_every_element()
    {
        var ds = Dataset.Range(20).Map(x => x + 1, numParallelCalls: int.MaxValue);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), ds);
    }

    [Fact]
    public void Interleave_with_int_MaxValue_cycle_length_reads_every_inner_dataset()
    {
        var ds = Dataset.Range(3).Interleave(x => Dataset.Range(x * 10, x * 10 + 2), cycleLength: int.MaxValue);
        Assert.Equal([0L, 10, 20, 1, 11, 21], ds);
        var parallel = Dataset.Range(3).Interleave(x => Dataset.Range(x * 10, x * 10 + 2), cycleLength: int.MaxValue, numParallelCalls: 2);
        Assert.Equal([0L, 10, 20, 1, 11, 21], parallel);
    }
}
