using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// Keras 3's merge rule (base_merge.py), one rule for every elementwise merge layer: sample shapes align from the last
/// axis and each pair of sizes is equal or 1; a lower-rank input gains size-1 axes right after the batch axis. Expected
/// values come from explicit index loops, not from libtorch's broadcasting.
/// </summary>
public class MergeBroadcastTests
{
    static readonly Func<MergeLayer>[] AllMerges =
        [() => new Add(), () => new Subtract(), () => new Multiply(), () => new Average(), () => new Maximum(), () => new Minimum()];

    static float Reference(MergeLayer layer, float a, float b) => layer switch
    {
        Add => a + b,
        Subtract => a - b,
        Multiply => a * b,
        Average => (a + b) / 2,
        Maximum => Math.Max(a, b),
        Minimum => Math.Min(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(layer)),
    };

    [Fact]
    public void A_size_one_axis_broadcasts_in_the_functional_API_and_eagerly()
    {
        var a = new Input([5]);
        var b = new Input([1]);
        var output = new Add().Apply([a, b]);
        Assert.Equal([5], output.Shape);
        using var model = new Model([a, b], output);
        using var x = randn(3, 5);
        using var y = randn(3, 1);
        using var sum = model.Apply([x, y]);
        Assert.Equal([3L, 5L], sum.shape);
        for (int n = 0; n < 3; n++)
            for (int j = 0; j < 5; j++)
                Assert.Equal(x[n, j].item<float>() + y[n, 0].item<float>(), sum[n, j].item<float>(), 5);
    }

    [Fact]
    public void Every_merge_layer_broadcasts_channel_weights_over_feature_maps()
    {
        using var maps = randn(2, 3, 3, 4);
        using var weights = randn(2, 1, 1, 4);
        foreach (var make in AllMerges)
        {
            using var layer = make();
            Assert.Equal([3, 3, 4], layer.ComputeOutputShape((IReadOnlyList<int[]>)[[3, 3, 4], [1, 1, 4]]));
            using var y = layer.Apply([maps, weights]);
            Assert.Equal([2L, 3L, 3L, 4L], y.shape);
            for (int n = 0; n < 2; n++)
                for (int h = 0; h < 3; h++)
                    for (int w = 0; w < 3; w++)
                        for (int c = 0; c < 4; c++)
                            Assert.Equal(Reference(layer, maps[n, h, w, c].item<float>(), weights[n, 0, 0, c].item<float>()), y[n, h, w, c].item<float>(), 5);
        }
    }

    [Fact]
    public void A_lower_rank_input_gains_its_missing_axes_after_the_batch_axis()
    {
        // (None, 3) with (None, 3, 1): Keras aligns the sample shapes (3,) and (3, 1) from the end, giving (3, 3), and
        // at run time reshapes the first input to (None, 1, 3); plain right-aligned broadcasting of the whole tensors
        // would instead pair the batch axis with the 3.
        using var vectors = randn(2, 3);
        using var columns = randn(2, 3, 1);
        foreach (var make in AllMerges)
        {
            using var layer = make();
            var symbolic = make().Apply([new Input([3]), new Input([3, 1])]);
            Assert.Equal([3, 3], symbolic.Shape);
            using var y = layer.Apply([vectors, columns]);
            Assert.Equal([2L, 3L, 3L], y.shape);
            for (int n = 0; n < 2; n++)
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++)
                        Assert.Equal(Reference(layer, vectors[n, j].item<float>(), columns[n, i, 0].item<float>()), y[n, i, j].item<float>(), 5);
        }
    }

    [Fact]
    public void Inputs_of_different_ranks_merge_in_a_functional_model()
    {
        var sequence = new Input([4, 6]);
        var bias = new Input([6]);
        var output = new Add().Apply([sequence, bias]);
        Assert.Equal([4, 6], output.Shape);
        using var model = new Model([sequence, bias], output);
        using var s = randn(2, 4, 6);
        using var b = randn(2, 6);
        using var y = model.Apply([s, b]);
        for (int n = 0; n < 2; n++)
            for (int t = 0; t < 4; t++)
                for (int j = 0; j < 6; j++)
                    Assert.Equal(s[n, t, j].item<float>() + b[n, j].item<float>(), y[n, t, j].item<float>(), 5);
    }

    [Fact]
    public void Three_inputs_broadcast_together()
    {
        using var layer = new Add();
        Assert.Equal([2, 3, 4], layer.ComputeOutputShape((IReadOnlyList<int[]>)[[1, 3, 1], [4], [2, 1, 4]]));
        using var a = randn(1, 1, 3, 1);
        using var b = randn(1, 4);
        using var c = randn(1, 2, 1, 4);
        using var y = layer.Apply([a, b, c]);
        Assert.Equal([1L, 2L, 3L, 4L], y.shape);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(a[0, 0, j, 0].item<float>() + b[0, k].item<float>() + c[0, i, 0, k].item<float>(), y[0, i, j, k].item<float>(), 5);
    }

    [Fact]
    public void Incompatible_shapes_name_the_layer_and_both_shapes()
    {
        foreach (var make in AllMerges)
        {
            var layer = make();
            var e = Assert.Throws<ArgumentException>(() => layer.Apply([new Input([4, 4, 3]), new Input([1, 1, 2])]));
            Assert.Contains($"\"{layer.Name}\"", e.Message);
            Assert.Contains("incompatible shapes", e.Message);
            Assert.Contains("(None, 4, 4, 3)", e.Message);
            Assert.Contains("(None, 1, 1, 2)", e.Message);
        }
        var ranks = Assert.Throws<ArgumentException>(() => new Add(name: "join").Apply([new Input([4]), new Input([3, 5])]));
        Assert.Contains("\"join\"", ranks.Message);
        Assert.Contains("(None, 3, 5) and (None, 4)", ranks.Message);   // Keras names the longer shape first
        using var eager = new Multiply(name: "gate");
        using var x = randn(2, 4, 3);
        using var w = randn(2, 1, 2);
        var runtime = Assert.Throws<ArgumentException>(() => eager.Apply([x, w]));
        Assert.Contains("\"gate\"", runtime.Message);
        Assert.Contains("(None, 4, 3)", runtime.Message);
        Assert.Contains("(None, 1, 2)", runtime.Message);
    }

    [Fact]
    public void Different_batch_sizes_are_an_error_not_a_broadcast()
    {
        using var layer = new Add(name: "sum");
        using var a = randn(4, 3);
        using var b = randn(1, 3);
        var e = Assert.Throws<ArgumentException>(() => layer.Apply([a, b]));
        Assert.Contains("\"sum\"", e.Message);
        Assert.Contains("different batch sizes", e.Message);
        Assert.Contains("(4, 3), (1, 3)", e.Message);
    }
}
