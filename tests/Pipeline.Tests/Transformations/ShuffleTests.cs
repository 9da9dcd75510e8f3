using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transformations;

public class ShuffleTests
{
    [Fact]
    public void Shuffle_with_a_fixed_seed_gives_this_exact_order_on_every_machine()
    {
        // The generator is the library's own (xoshiro256** seeded by SplitMix64), so this sequence is a constant.
        Assert.Equal(GoldenOrder, Dataset.Range(10).Shuffle(10, seed: 7).ToArray());
        Assert.Equal(GoldenOrderSmallBuffer, Dataset.Range(10).Shuffle(3, seed: 7).ToArray());
    }

    static readonly long[] GoldenOrder = [0, 6, 7, 8, 9, 3, 4, 5, 1, 2];

    static readonly long[] GoldenOrderSmallBuffer = [0, 2, 4, 5, 3, 6, 8, 7, 1, 9];

    [Fact]
    public void Shuffle_is_a_permutation_of_its_input()
    {
        var shuffled = Dataset.Range(1000).Shuffle(100, seed: 1).ToList();
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), shuffled.Order());
    }

    [Fact]
    public void Shuffle_with_a_buffer_of_one_keeps_the_order()
    {
        Assert.Equal(Dataset.Range(20), Dataset.Range(20).Shuffle(1, seed: 5));
    }

    [Fact]
    public void The_first_output_always_comes_from_the_first_bufferSize_elements()
    {
        // tf.data's buffer semantics: nothing beyond the buffer can be emitted before the buffer is filled.
        for (var seed = 0; seed < 50; seed++)
            Assert.InRange(Dataset.Range(1000).Shuffle(10, seed: seed).First(), 0, 9);
    }

    [Fact]
    public void An_element_moves_at_most_one_buffer_ahead()
    {
        var order = Dataset.Range(500).Shuffle(20, seed: 11).ToList();
        for (var position = 0; position < order.Count; position++)
            Assert.True(order[position] < position + 20, $"element {order[position]} appeared at position {position}");
    }

    [Fact]
    public void A_full_buffer_shuffle_puts_each_element_first_about_equally_often()
    {
        var counts = new int[5];
        for (var seed = 0; seed < 5000; seed++) counts[Dataset.Range(5).Shuffle(5, seed: seed).First()]++;
        foreach (var c in counts) Assert.InRange(c, 850, 1150);
    }

    [Fact]
    public void Each_epoch_is_reshuffled_reproducibly_unless_reshuffling_is_off()
    {
        var ds = Dataset.Range(50).Shuffle(50, seed: 9);
        var epoch1 = ds.ToList();
        var epoch2 = ds.ToList();
        Assert.NotEqual(epoch1, epoch2);
        var again = Dataset.Range(50).Shuffle(50, seed: 9);
        Assert.Equal(epoch1, again.ToList());
        Assert.Equal(epoch2, again.ToList());

        var fixedOrder = Dataset.Range(50).Shuffle(50, seed: 9, reshuffleEachIteration: false);
        Assert.Equal(fixedOrder.ToList(), fixedOrder.ToList());
        var unseeded = Dataset.Range(50).Shuffle(50, reshuffleEachIteration: false);
        Assert.Equal(unseeded.ToList(), unseeded.ToList());
    }

    [Fact]
    public void Shuffle_then_Repeat_keeps_epochs_apart()
    {
        var stream = Dataset.Range(10).Shuffle(10, seed: 2).Repeat(3).ToList();
        for (var epoch = 0; epoch < 3; epoch++)
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), stream.Skip(epoch * 10).Take(10).Order());
    }

    [Fact]
    public void Shuffle_rejects_a_buffer_smaller_than_one()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.Range(3).Shuffle(0));
        Assert.Contains("bufferSize", error.Message);
    }

    [Fact]
    public void Batches_of_shuffled_tensor_slices_are_the_same_with_or_without_the_gather_shortcut()
    {
        // Shuffle -> Batch straight over FromTensorSlices gathers whole batches; a Map in between forces the
        // element-by-element path. Both must give the same batches in the same order, epoch after epoch.
        using var x = torch.arange(103 * 2).reshape(103, 2);
        using var y = torch.arange(103);
        var fused = Dataset.FromTensorSlices(x, y).Shuffle(20, seed: 5).Batch(8);
        var plain = Dataset.FromTensorSlices(x, y).Map((a, b) => (a, b)).Shuffle(20, seed: 5).Batch(8);
        for (var epoch = 0; epoch < 2; epoch++)
        {
            var a = fused.Select(Values).ToList();
            var b = plain.Select(Values).ToList();
            Assert.Equal(b, a);
        }

        static string Values((Tensor, Tensor) batch)
        {
            using (batch.Item1) using (batch.Item2)
                return string.Join(",", batch.Item1.data<long>().ToArray()) + " | " + string.Join(",", batch.Item2.data<long>().ToArray());
        }
    }
}
