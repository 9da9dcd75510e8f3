using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// Keras's <c>seed</c> on Dropout and SpatialDropout2D: a seeded layer draws from its own generator (as the random
/// preprocessing layers do), so equal seeds give equal masks and libtorch's global generator is left alone.
/// </summary>
[Collection(GlobalRandomState.Name)]
public class DropoutSeedTests
{
    static Tensor Masked(Layer layer, Tensor x) => layer.Apply(x, training: true).ne(0).to_type(ScalarType.Float32);

    [Fact]
    public void Equal_seeds_give_equal_masks_call_after_call_and_other_seeds_others()
    {
        using var scope = NewDisposeScope();
        var x = ones(4, 6, 5, 3);
        using var a = new Dropout(0.5, seed: 42);
        using var b = new Dropout(0.5, seed: 42);
        using var c = new Dropout(0.5, seed: 43);
        var first = Masked(a, x);
        Assert.True(first.eq(Masked(b, x)).all().item<bool>());
        Assert.False(first.eq(Masked(c, x)).all().item<bool>());
        var second = Masked(a, x);
        Assert.True(second.eq(Masked(b, x)).all().item<bool>());
        Assert.False(second.eq(first).all().item<bool>());   // the generator moves on between calls
        // Kept values are scaled by 1 / (1 - rate); about half are kept.
        var y = a.Apply(x, training: true);
        Assert.True(y.masked_select(y.ne(0)).eq(2).all().item<bool>());
        double kept = first.mean().item<float>();
        Assert.InRange(kept, 0.4, 0.6);
        // Inference is the identity.
        Assert.True(a.Apply(x).eq(x).all().item<bool>());
    }

    [Fact]
    public void A_seeded_noise_shape_and_a_seeded_SpatialDropout2D_share_one_draw_per_sample_and_channel()
    {
        using var scope = NewDisposeScope();
        var x = ones(3, 4, 5, 6);
        using var spatial = new SpatialDropout2D(0.5, seed: 7);
        using var again = new SpatialDropout2D(0.5, seed: 7);
        var mask = Masked(spatial, x);
        Assert.True(mask.eq(Masked(again, x)).all().item<bool>());
        // Every (sample, channel) map is all kept or all dropped.
        var perMap = mask.sum([1, 2]);
        Assert.True(perMap.eq(0).logical_or(perMap.eq(20)).all().item<bool>());
        using var connect = new Dropout(0.5, noiseShape: [null, 1, 1, 1], seed: 7);
        var perSample = Masked(connect, x).sum([1, 2, 3]);
        Assert.True(perSample.eq(0).logical_or(perSample.eq(120)).all().item<bool>());
    }

    [Fact]
    public void A_seeded_layer_leaves_the_global_generator_alone_and_an_unseeded_one_follows_it()
    {
        using var scope = NewDisposeScope();
        var x = ones(2, 8, 8);
        manual_seed(5);
        var expected = rand(3);
        manual_seed(5);
        using var seeded = new Dropout(0.3, seed: 1);
        seeded.Apply(x, training: true);
        using var spatial = new SpatialDropout2D(0.3, seed: 1);
        spatial.Apply(ones(2, 4, 4, 3), training: true);
        Assert.True(rand(3).eq(expected).all().item<bool>());

        using var unseeded = new Dropout(0.3);
        manual_seed(9);
        var one = Masked(unseeded, x);
        manual_seed(9);
        Assert.True(one.eq(Masked(unseeded, x)).all().item<bool>());
    }

    [Fact]
    public void The_seed_is_in_the_config()
    {
        Assert.Equal(11L, new Dropout(0.2, seed: 11).GetConfig()["seed"]);
        Assert.Null(new Dropout(0.2).GetConfig()["seed"]);
        Assert.Equal(12L, new SpatialDropout2D(0.2, seed: 12).GetConfig()["seed"]);
    }
}
