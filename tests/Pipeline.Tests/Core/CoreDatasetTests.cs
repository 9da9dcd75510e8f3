using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Core;

public class CoreDatasetTests
{
    [Fact]
    public void FromTensorSlices_yields_one_element_per_row_in_order()
    {
        using var x = torch.arange(12, dtype: ScalarType.Float32).reshape(4, 3);
        var rows = Dataset.FromTensorSlices(x).Select(t => { using (t) return t.data<float>().ToArray(); }).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal([3f, 4f, 5f], rows[1]);
    }

    [Fact]
    public void FromTensorSlices_pairs_features_with_labels_and_rejects_different_lengths()
    {
        using var x = torch.zeros(5, 2);
        using var y = torch.arange(5);
        var labels = Dataset.FromTensorSlices(x, y).Select(e => { e.Item1.Dispose(); using (e.Item2) return e.Item2.item<long>(); }).ToList();
        Assert.Equal([0L, 1, 2, 3, 4], labels);
        using var shortY = torch.arange(4);
        var error = Assert.Throws<ArgumentException>(() => Dataset.FromTensorSlices(x, shortY));
        Assert.Contains("x has 5", error.Message);
        Assert.Contains("y has 4", error.Message);
    }

    [Fact]
    public void A_dataset_is_lazy_and_each_foreach_is_a_new_epoch()
    {
        var calls = 0;
        var ds = Dataset.Range(3).Map(i => { calls++; return i * 10; });
        Assert.Equal(0, calls);
        Assert.Equal([0L, 10, 20], ds.ToList());
        Assert.Equal([0L, 10, 20], ds.ToList());
        Assert.Equal(6, calls);
    }

    [Fact]
    public void Map_unpacks_pairs_into_two_arguments()
    {
        var ds = Dataset.FromTensorSlices(new long[] { 1, 2, 3 }, new[] { "a", "b", "c" }).Map((n, s) => s + n);
        Assert.Equal(["a1", "b2", "c3"], ds.ToList());
    }

    [Fact]
    public void Batch_stacks_tensors_along_a_new_first_axis_and_keeps_the_remainder()
    {
        using var x = torch.arange(10 * 2, dtype: ScalarType.Float32).reshape(10, 2);
        var shapes = Dataset.FromTensorSlices(x).Map(t => t * 2).Batch(4).Select(b => { using (b) return b.shape; }).ToList();
        Assert.Equal([[4L, 2], [4L, 2], [2L, 2]], shapes);
    }

    [Fact]
    public void Batch_with_dropRemainder_drops_the_short_last_batch()
    {
        using var x = torch.arange(10);
        var sizes = Dataset.FromTensorSlices(x).Batch(4, dropRemainder: true).Select(b => { using (b) return b.shape[0]; }).ToList();
        Assert.Equal([4L, 4], sizes);
        Assert.Equal(2, Dataset.FromTensorSlices(x).Batch(4, dropRemainder: true).Cardinality());
        Assert.Equal(3, Dataset.FromTensorSlices(x).Batch(4).Cardinality());
    }

    [Fact]
    public void Batch_stacks_pairs_component_wise()
    {
        using var x = torch.ones(6, 3, 2);
        using var y = torch.arange(6);
        var batches = Dataset.FromTensorSlices(x, y).Map((a, b) => (a, b)).Batch(4).ToList();
        Assert.Equal([4L, 3, 2], batches[0].Item1.shape);
        Assert.Equal([0L, 1, 2, 3], batches[0].Item2.data<long>().ToArray());
        Assert.Equal([4L, 5], batches[1].Item2.data<long>().ToArray());
        foreach (var (a, b) in batches) { a.Dispose(); b.Dispose(); }
    }

    [Fact]
    public void Batch_of_elements_with_different_shapes_names_both_shapes()
    {
        var ds = Dataset.Range(3).Map(i => torch.zeros(i == 2 ? 3 : 2)).Batch(3);
        var error = Assert.Throws<InvalidOperationException>(() => ds.ToList());
        Assert.Contains("[2]", error.Message);
        Assert.Contains("element 2 has shape [3]", error.Message);
    }

    [Fact]
    public void Batch_of_scalars_gives_a_vector()
    {
        var batches = Dataset.Range(5).Batch(2).Select(b => { using (b) return b.data<long>().ToArray(); }).ToList();
        Assert.Equal([[0L, 1], [2L, 3], [4L]], batches);
    }

    [Fact]
    public void Shuffle_with_a_seed_gives_the_same_order_every_run()
    {
        var a = Dataset.Range(100).Shuffle(10, seed: 42).ToList();
        var b = Dataset.Range(100).Shuffle(10, seed: 42).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(Enumerable.Range(0, 100).Select(i => (long)i), a);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), a.Order());
    }

    [Fact]
    public void Prefetch_yields_the_same_elements_in_the_same_order()
    {
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i * 2), Dataset.Range(1000).Map(i => i * 2).Prefetch(4).ToList());
    }

    [Fact]
    public async Task A_dataset_can_be_consumed_with_await_foreach()
    {
        var seen = new List<long>();
        await foreach (var x in Dataset.Range(50).Prefetch(2)) seen.Add(x);
        await foreach (var x in Dataset.Range(3).AsAsyncEnumerable().WithCancellation(CancellationToken.None)) seen.Add(x);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i).Concat([0L, 1, 2]), seen);
    }

    [Fact]
    public void ToString_prints_the_plan_and_Plan_lists_typed_steps()
    {
        var ds = Dataset.Range(100).Map(Square, numParallelCalls: Dataset.Autotune).Shuffle(10).Batch(8).Prefetch(Dataset.Autotune);
        Assert.Equal("Range(100) -> Map(Square, numParallelCalls=AUTOTUNE) -> Shuffle(10) -> Batch(8) -> Prefetch(AUTOTUNE)", ds.ToString());
        Assert.Equal([StepKind.Source, StepKind.Map, StepKind.Shuffle, StepKind.Batch, StepKind.Prefetch], ds.Plan.Select(s => s.Kind));
        Assert.Equal(10, ds.Plan[2]["bufferSize"]);
        Assert.Equal(Dataset.Autotune, ds.Plan[1]["numParallelCalls"]);
        static long Square(long x) => x * x;
    }

    [Fact]
    public void Batch_right_after_FromTensorSlices_gives_the_same_batches_as_stacking_elements()
    {
        using var x = torch.arange(10 * 3, dtype: ScalarType.Float32).reshape(10, 3);
        var sliced = Dataset.FromTensorSlices(x).Batch(4).Select(b => { using (b) return b.data<float>().ToArray(); }).ToList();
        var stacked = Dataset.FromTensorSlices(x).Map(t => t).Batch(4).Select(b => { using (b) return b.data<float>().ToArray(); }).ToList();
        Assert.Equal(stacked, sliced);
    }
}
