using NumSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transformations;

/// <summary>tf.data methods beyond the core ones, each against the example of its tf.data documentation.</summary>
public class MoreApiTests
{
    [Fact]
    public void FromTensors_yields_the_whole_element_once_per_iteration_and_leaves_it_to_the_caller()
    {
        using var t = torch.tensor(new long[] { 1, 2, 3 });
        var ds = Dataset.FromTensors(t);
        Assert.Equal(1, ds.Cardinality());
        for (var epoch = 0; epoch < 2; epoch++)
        {
            var only = Assert.Single(ds.ToList());
            using (only) Assert.Equal([1L, 2, 3], only.data<long>().ToArray());
        }
        Assert.False(t.IsInvalid);
    }

    [Fact]
    public void Counter_counts_without_end()
    {
        Assert.Equal([0L, 1, 2], Dataset.Counter().Take(3));
        Assert.Equal([10L, 7, 4], Dataset.Counter(10, -3).Take(3));
        Assert.Equal(Dataset.InfiniteCardinality, Dataset.Counter().Cardinality());
    }

    [Fact]
    public void Random_is_reproducible_from_its_seed_and_can_rerandomize_each_iteration()
    {
        var a = Dataset.Random(seed: 42).Take(5).ToList();
        Assert.Equal(a, Dataset.Random(seed: 42).Take(5));
        Assert.NotEqual(a, Dataset.Random(seed: 43).Take(5));
        Assert.All(a, x => Assert.True(x >= 0));
        Assert.Equal(5, a.Distinct().Count());
        var rerandomized = Dataset.Random(seed: 42, rerandomizeEachIteration: true).Take(5);
        Assert.NotEqual(rerandomized.ToList(), rerandomized.ToList());
    }

    [Fact]
    public void Reduce_folds_scalars_and_tensors()
    {
        Assert.Equal(10L, Dataset.Range(5).Reduce(0L, (s, x) => s + x));   // tf docs: range(5).reduce(0, add) == 10
        using var zero = torch.zeros(2);
        using var sum = Dataset.FromTensorSlices(torch.ones(4, 2)).Reduce(zero, (s, x) => s + x);
        Assert.Equal([4f, 4f], sum.data<float>().ToArray());
        Assert.False(zero.IsInvalid);
    }

    [Fact]
    public void Scan_yields_the_running_state()
    {
        // tf docs: range(10).scan(0, lambda state, i: (state + i, state + i)) -> 0, 1, 3, 6, ...
        var ds = Dataset.Range(5).Scan(0L, (state, i) => (state + i, state + i));
        Assert.Equal([0L, 1, 3, 6, 10], ds);
        Assert.Equal([0L, 1, 3, 6, 10], ds);   // each iteration starts again
        Assert.Equal(5, ds.Cardinality());
    }

    [Fact]
    public void Unique_keeps_first_appearances_and_refuses_tensors()
    {
        Assert.Equal([1L, 37, 2], Dataset.FromTensorSlices(new long[] { 1, 37, 2, 37, 2, 1 }).Unique());   // tf docs
        Assert.Throws<NotSupportedException>(() => Dataset.FromTensorSlices(torch.zeros(3)).Unique());
    }

    [Fact]
    public void IgnoreErrors_drops_the_elements_whose_function_throws()
    {
        // tf docs: from_tensor_slices([1., 2., 0., 4.]).map(lambda x: check_numerics(1. / x)).ignore_errors() -> 1, 0.5, 0.25
        static double Invert(double x) => x == 0 ? throw new ArithmeticException("division by zero") : 1 / x;
        var ds = Dataset.FromTensorSlices(new[] { 1.0, 2, 0, 4 }).Map(Invert).IgnoreErrors();
        Assert.Equal([1.0, 0.5, 0.25], ds);
        var parallel = Dataset.FromTensorSlices(new[] { 1.0, 2, 0, 4 }).Map(Invert, numParallelCalls: 2).Filter(x => x > 0.3 ? true : throw new InvalidOperationException()).IgnoreErrors();
        Assert.Equal([1.0, 0.5], parallel);
        Assert.Throws<DatasetException>(() => Dataset.FromTensorSlices(new[] { 1.0, 0 }).Map(Invert).ToList());
    }

    [Fact]
    public void GroupByWindow_batches_each_key_separately()
    {
        // tf docs: range(10).group_by_window(key_func=lambda x: x % 2, reduce_func=lambda k, w: w.batch(5), window_size=5)
        var ds = Dataset.Range(10).GroupByWindow(x => x % 2, (key, window) => window.Batch(5), windowSize: 5);
        var rows = ds.Select(t => { using (t) return t.data<long>().ToArray(); }).ToList();
        Assert.Equal([[0L, 2, 4, 6, 8], [1L, 3, 5, 7, 9]], rows);
        var small = Dataset.Range(7).GroupByWindow(x => x % 2, (key, window) => window.Batch(2), windowSize: 2)
            .Select(t => { using (t) return t.data<long>().ToArray(); }).ToList();
        Assert.Equal([[0L, 2], [1L, 3], [4L, 6], [5L]], small);
    }

    [Fact]
    public void BucketBySequenceLength_pads_each_batch_to_its_bucket()
    {
        // Lengths 1..7; buckets [0, 3), [3, 5), [5, ∞) with batch sizes 2, 2, 3.
        var ds = Dataset.Range(1, 8).Map(n => torch.arange(n))
            .BucketBySequenceLength(t => t.shape[0], bucketBoundaries: [3, 5], bucketBatchSizes: [2, 2, 3], paddingValue: -1);
        var shapes = ds.Select(t => { using (t) return string.Join("x", t.shape); }).ToList();
        Assert.Equal(["2x2", "2x4", "3x7"], shapes);
    }

    [Fact]
    public void Static_zip_of_three_datasets_yields_triples()
    {
        var ds = Dataset.Zip(Dataset.Range(3), Dataset.Range(3, 6), Dataset.FromTensorSlices(new[] { "a", "b" }));
        Assert.Equal([(0L, 3L, "a"), (1L, 4L, "b")], ds);
    }

    [Fact]
    public void AsNumpyIterator_gives_arrays_and_frees_the_tensors()
    {
        var arrays = Dataset.FromTensorSlices(torch.arange(6).reshape(3, 2)).AsNumpyIterator().ToList();
        Assert.Equal(3, arrays.Count);
        Assert.Equal(new long[] { 4, 5 }, arrays[2].ToArray<long>());
        var pairs = Dataset.FromTensorSlices(torch.zeros(2, 2), torch.arange(2)).AsNumpyIterator().ToList();
        Assert.Equal(1L, pairs[1].Item2.GetValue<long>());
    }
}
