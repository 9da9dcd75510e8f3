using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// Behaviour of weightless layers that a fixed reference output cannot pin down: random channel dropping, and
/// element order when the batch's memory is not laid out as its (N, H, W, C) shape suggests.
/// </summary>
public class WeightlessLayerBehaviourTests
{
    [Fact]
    public void SpatialDropout2D_drops_whole_channels_and_scales_the_survivors_in_training()
    {
        using var scope = NewDisposeScope();
        using var layer = new SpatialDropout2D(0.5);
        var x = ones(8, 5, 6, 16);

        var y = layer.Apply(x, training: true);

        // Per (sample, channel) map: every pixel is 0, or every pixel is 1 / (1 - 0.5) = 2.
        var perMap = y.permute(0, 3, 1, 2).reshape(8 * 16, 30);
        var low = perMap.amin(1);
        var high = perMap.amax(1);
        Assert.True(low.eq(high).all().item<bool>(), "a channel was partly dropped: SpatialDropout2D must drop whole feature maps");
        var kept = high.eq(2f);
        var dropped = high.eq(0f);
        Assert.True(kept.logical_or(dropped).all().item<bool>(), "surviving channels must be scaled by 1 / (1 - rate) = 2");
        long keptCount = kept.sum().item<long>();
        // 128 maps at rate 0.5: fewer than 30 or more than 98 kept is below one chance in a billion.
        Assert.InRange(keptCount, 30, 98);
    }

    [Fact]
    public void SpatialDropout2D_is_the_identity_at_inference()
    {
        using var scope = NewDisposeScope();
        using var layer = new SpatialDropout2D(0.5);
        var x = randn(2, 3, 4, 5);
        Assert.True(layer.Apply(x, training: false).eq(x).all().item<bool>());
    }

    [Fact]
    public void Flatten_keeps_keras_order_for_a_batch_stored_channels_first()
    {
        using var scope = NewDisposeScope();
        using var layer = new Flatten();
        var nhwc = arange(2 * 3 * 4 * 5, dtype: ScalarType.Float32).reshape(2, 3, 4, 5);
        // The same values, viewed as (N, H, W, C) over NCHW memory: a layer's output can arrive like this.
        var view = nhwc.permute(0, 3, 1, 2).contiguous().permute(0, 2, 3, 1);
        Assert.False(view.is_contiguous());

        var flat = layer.Apply(view);

        Assert.Equal([2L, 60L], flat.shape);
        Assert.True(flat.eq(nhwc.reshape(2, 60)).all().item<bool>(), "Flatten must read (height, width, channels) order whatever the memory layout");
    }
}
