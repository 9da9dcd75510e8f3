using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transformations;

/// <summary>Each transformation against the examples in tf.data's documentation.</summary>
public class TransformationTests
{
    static long[][] Rows(Dataset<Tensor> ds) => [.. ds.Select(t => { using (t) return t.data<long>().ToArray(); })];

    [Fact]
    public void Range_follows_python_range()
    {
        Assert.Equal([0L, 1, 2, 3, 4], Dataset.Range(5));
        Assert.Equal([2L, 3, 4], Dataset.Range(2, 5));
        Assert.Equal([1L, 3], Dataset.Range(1, 5, 2));
        Assert.Equal([5L, 3], Dataset.Range(5, 1, -2));
        Assert.Empty(Dataset.Range(5, 1));
        Assert.Equal(2, Dataset.Range(1, 5, 2).Cardinality());
    }

    [Fact]
    public void Filter_keeps_matching_elements_and_makes_cardinality_unknown()
    {
        var ds = Dataset.Range(10).Filter(x => x % 3 == 0);
        Assert.Equal([0L, 3, 6, 9], ds);
        Assert.Equal(Dataset.UnknownCardinality, ds.Cardinality());
    }

    [Fact]
    public void FlatMap_yields_the_inner_datasets_in_order()
    {
        var ds = Dataset.FromTensorSlices(new[] { new long[] { 1, 2, 3 }, [4, 5, 6] }).FlatMap(row => Dataset.FromTensorSlices(row));
        Assert.Equal([1L, 2, 3, 4, 5, 6], ds);
    }

    [Fact]
    public void Interleave_cycles_through_blocks_as_in_the_tf_data_documentation()
    {
        // tf.data docs: range(1, 6).interleave(lambda x: from_tensors(x).repeat(6), cycle_length=2, block_length=4)
        long[] expected = [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 4, 4, 5, 5, 5, 5, 5, 5];
        var sequential = Dataset.Range(1, 6).Interleave(x => Dataset.FromTensorSlices(new[] { x }).Repeat(6), cycleLength: 2, blockLength: 4);
        Assert.Equal(expected, sequential);
        var parallel = Dataset.Range(1, 6).Interleave(x => Dataset.FromTensorSlices(new[] { x }).Repeat(6), cycleLength: 2, blockLength: 4, numParallelCalls: Dataset.Autotune);
        Assert.Equal(expected, parallel);
    }

    [Fact]
    public void Repeat_repeats_count_times_or_forever()
    {
        Assert.Equal([1L, 2, 1, 2, 1, 2], Dataset.Range(1, 3).Repeat(3));
        Assert.Equal(6, Dataset.Range(1, 3).Repeat(3).Cardinality());
        Assert.Equal(Dataset.InfiniteCardinality, Dataset.Range(3).Repeat().Cardinality());
        Assert.Equal(10, Dataset.Range(3).Repeat().Take(10).Count());
        Assert.Equal(10, Dataset.Range(3).Repeat().Take(10).Cardinality());
    }

    [Fact]
    public void Batch_of_range_8_by_3_keeps_or_drops_the_remainder()
    {
        Assert.Equal([[0L, 1, 2], [3L, 4, 5], [6L, 7]], Rows(Dataset.Range(8).Batch(3)));
        Assert.Equal([[0L, 1, 2], [3L, 4, 5]], Rows(Dataset.Range(8).Batch(3, dropRemainder: true)));
    }

    [Fact]
    public void Batch_stacks_named_records_key_by_key()
    {
        using var a = torch.arange(6).reshape(3, 2);
        using var b = torch.arange(3);
        var batches = Dataset.FromTensorSlices(new Dictionary<string, Tensor> { ["pixels"] = a, ["label"] = b }).Batch(2).ToList();
        Assert.Equal([2L, 2], batches[0]["pixels"].shape);
        Assert.Equal([2L], batches[1]["label"].data<long>().ToArray());
        foreach (var d in batches) foreach (var t in d.Values) t.Dispose();
    }

    [Fact]
    public void Batch_names_the_tuple_component_whose_shapes_differ()
    {
        var ds = Dataset.Range(2).Map(i => (torch.zeros(2), torch.zeros(i + 1))).Batch(2);
        var error = Assert.Throws<InvalidOperationException>(() => ds.ToList());
        Assert.Contains("component '1'", error.Message);
        Assert.Contains("[1]", error.Message);
        Assert.Contains("[2]", error.Message);
    }

    [Fact]
    public void Batch_of_an_unsupported_type_asks_for_a_collation_and_a_collation_can_be_plugged_in()
    {
        var error = Assert.Throws<NotSupportedException>(() => Dataset.FromTensorSlices(new[] { "a", "b" }).Batch(2));
        Assert.Contains("collate", error.Message);
        var joined = Dataset.FromTensorSlices(new[] { "a", "b", "c" }).Batch(2, items => string.Concat(items));
        Assert.Equal(["ab", "c"], joined);
    }

    [Fact]
    public void PaddedBatch_pads_to_the_longest_element_as_in_the_tf_data_documentation()
    {
        // range(1, 5).map(lambda x: fill([x], x)).padded_batch(2)
        var ds = Dataset.Range(1, 5).Map(x => torch.full([x], x, dtype: ScalarType.Int64)).PaddedBatch(2);
        var batches = ds.Select(b => { using (b) return (b.shape, b.data<long>().ToArray()); }).ToList();
        Assert.Equal([2L, 2], batches[0].shape);
        Assert.Equal([1L, 0, 2, 2], batches[0].Item2);
        Assert.Equal([3L, 3, 3, 0, 4, 4, 4, 4], batches[1].Item2);
        var fixedShape = Dataset.Range(1, 3).Map(x => torch.full([x], x, dtype: ScalarType.Int64)).PaddedBatch(2, paddedShape: [5], paddingValue: -1);
        Assert.Equal([[1L, -1, -1, -1, -1, 2, 2, -1, -1, -1]], Rows(fixedShape.Map(t => t.flatten())));
    }

    [Fact]
    public void Unbatch_undoes_Batch()
    {
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6], Dataset.Range(7).Batch(3).Unbatch().Map(t => { using (t) return t.item<long>(); }));
    }

    [Fact]
    public void Window_groups_with_shift_and_stride_as_in_the_tf_data_documentation()
    {
        Assert.Equal([[0L, 1], [2L, 3], [4L, 5], [6L]], Dataset.Range(7).Window(2));
        Assert.Equal([[0L, 1, 2], [2L, 3, 4], [4L, 5, 6]], Dataset.Range(7).Window(3, shift: 2, dropRemainder: true));
        Assert.Equal([[0L, 2, 4], [1L, 3, 5], [2L, 4, 6]], Dataset.Range(7).Window(3, shift: 1, stride: 2, dropRemainder: true));
    }

    [Fact]
    public void Take_Skip_and_Shard_select_parts_of_the_stream()
    {
        Assert.Equal([0L, 1, 2], Dataset.Range(10).Take(3));
        Assert.Equal([7L, 8, 9], Dataset.Range(10).Skip(7));
        Assert.Equal([0L, 3, 6, 9], Dataset.Range(10).Shard(3, 0));
        Assert.Equal([1L, 4, 7], Dataset.Range(10).Shard(3, 1));
        Assert.Equal(3, Dataset.Range(10).Shard(3, 1).Cardinality());
        Assert.Equal(3, Dataset.Range(10).Skip(7).Cardinality());
    }

    [Fact]
    public void Take_stops_reading_an_infinite_input()
    {
        var reads = 0;
        var ds = Dataset.FromGenerator(Forever).Take(5);
        Assert.Equal(5, ds.Count());
        Assert.Equal(5, reads);

        IEnumerable<long> Forever()
        {
            for (long i = 0; ; i++) { reads++; yield return i; }
        }
    }

    [Fact]
    public void Enumerate_pairs_elements_with_their_index()
    {
        var pairs = Dataset.FromTensorSlices(new long[] { 1, 2, 3 }).Enumerate(start: 5).ToList();
        Assert.Equal([(5L, 1L), (6L, 2L), (7L, 3L)], pairs.Select(p => (p.Index, p.Element)));
    }

    [Fact]
    public void Zip_ends_with_the_shorter_dataset()
    {
        var ds = Dataset.Range(1, 4).Zip(Dataset.Range(4, 6));
        Assert.Equal([(1L, 4L), (2L, 5L)], ds);
        Assert.Equal(2, ds.Cardinality());
    }

    [Fact]
    public void Concatenate_appends_the_second_dataset()
    {
        var ds = Dataset.Range(1, 4).Concatenate(Dataset.Range(4, 8));
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], ds);
        Assert.Equal(7, ds.Cardinality());
    }

    [Fact]
    public void ChooseFromDatasets_follows_the_choices_as_in_the_tf_data_documentation()
    {
        var datasets = new[] { "foo", "bar", "baz" }.Select(s => Dataset.FromTensorSlices(new[] { s }).Repeat()).ToList();
        var ds = Dataset.ChooseFromDatasets(datasets, Dataset.Range(3).Repeat(3));
        Assert.Equal(["foo", "bar", "baz", "foo", "bar", "baz", "foo", "bar", "baz"], ds);
    }

    [Fact]
    public void ChooseFromDatasets_skips_exhausted_datasets_when_told_not_to_stop()
    {
        var ds = Dataset.ChooseFromDatasets([Dataset.Range(1), Dataset.Range(10, 13)], Dataset.FromTensorSlices(new long[] { 0, 0, 1, 0, 1 }), stopOnEmptyDataset: false);
        Assert.Equal([0L, 10, 11], ds);
        var stopping = Dataset.ChooseFromDatasets([Dataset.Range(1), Dataset.Range(10, 13)], Dataset.FromTensorSlices(new long[] { 0, 0, 1 }));
        Assert.Equal([0L], stopping);
    }

    [Fact]
    public void SampleFromDatasets_draws_by_weight_and_drains_every_dataset()
    {
        var ones = Dataset.FromTensorSlices(new[] { 1 }).Repeat();
        var twos = Dataset.FromTensorSlices(new[] { 2 }).Repeat();
        var sample = Dataset.SampleFromDatasets([ones, twos], [0.8, 0.2], seed: 3).Take(10_000).ToList();
        var fraction = sample.Count(x => x == 1) / 10_000.0;
        Assert.InRange(fraction, 0.77, 0.83);

        var all = Dataset.SampleFromDatasets([Dataset.Range(0, 50), Dataset.Range(100, 120)], seed: 1).ToList();
        Assert.Equal(70, all.Count);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), all.Where(x => x < 100));
        Assert.Equal(Enumerable.Range(100, 20).Select(i => (long)i), all.Where(x => x >= 100));
    }

    [Fact]
    public void Apply_runs_a_reusable_sequence_of_transformations()
    {
        static Dataset<long> EvensDoubled(Dataset<long> d) => d.Filter(x => x % 2 == 0).Map(x => x * 2);
        Assert.Equal([0L, 4, 8], Dataset.Range(6).Apply(EvensDoubled));
    }

    [Fact]
    public void Cardinality_is_known_infinite_or_unknown()
    {
        Assert.Equal(10, Dataset.Range(10).Map(x => x).Shuffle(3).Prefetch().Cardinality());
        Assert.Equal(Dataset.InfiniteCardinality, Dataset.Range(10).Repeat().Batch(3).Cardinality());
        Assert.Equal(Dataset.UnknownCardinality, Dataset.Range(10).Filter(x => x > 2).Batch(3).Cardinality());
        Assert.Equal(Dataset.UnknownCardinality, Dataset.FromGenerator(() => new long[] { 1 }).Cardinality());
    }
}
