using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// What EfficientNet needs of the layers, against values computed here independently: per-channel Rescaling,
/// Normalization keeping its statistics in weights, Dropout with a noise shape (drop-connect), Multiply broadcasting
/// (squeeze-and-excitation).
/// </summary>
public class EfficientNetLayerTests
{
    [Fact]
    public void Rescaling_with_per_channel_values_scales_and_shifts_each_channel_of_the_last_axis()
    {
        using var x = rand([2, 3, 3, 3]).mul(255);
        using var layer = new Rescaling([0.5, 2, -1], [1, 0, 3]);
        using var y = layer.Apply(x);
        for (int c = 0; c < 3; c++)
        {
            double scale = new[] { 0.5, 2, -1 }[c], offset = new[] { 1.0, 0, 3 }[c];
            using var expected = x.select(3, c) * scale + offset;
            Assert.True(y.select(3, c).allclose(expected, rtol: 1e-5, atol: 1e-4), $"channel {c}");
        }
        Assert.Equal(new double[] { 0.5, 2, -1 }, layer.Scale);
        // One value broadcasts; a count that is neither 1 nor the channels is refused, naming the layer.
        using (var one = new Rescaling([2.0]).Apply(x)) Assert.True(one.allclose(x * 2));
        var error = Assert.Throws<ArgumentException>(() => new Rescaling([1.0, 2], name: "two").Apply(new Input([4, 4, 3])));
        Assert.Contains("two", error.Message);
        Assert.Contains("2 features", error.Message);
        Assert.Throws<ArgumentException>(() => new Rescaling([1.0, 2], [1.0, 2, 3]));
    }

    [Fact]
    public void Normalization_without_given_statistics_keeps_them_in_three_non_trainable_weights_that_set_its_output()
    {
        using var layer = new Normalization(axis: 3);
        using var x = rand([2, 4, 4, 3]);
        using (var identity = layer.Apply(x)) Assert.True(identity.allclose(x));   // built: mean 0, variance 1
        Assert.Equal(["mean", "variance", "count"], layer.NonTrainableWeights.Select(w => w.Name));
        Assert.Equal(["(3)", "(3)", "()"], layer.Weights.Select(w => "(" + string.Join(", ", w.Shape) + ")"));
        Assert.Empty(layer.TrainableWeights);

        // As a weights file sets them: mean (0.485, 0.456, 0.406) and variance std^2, ImageNet's as in EfficientNet's stem.
        double[] mean = [0.485, 0.456, 0.406], variance = [0.229 * 0.229, 0.224 * 0.224, 0.225 * 0.225];
        layer.Weights[0].Assign(tensor(mean).to_type(ScalarType.Float32));
        layer.Weights[1].Assign(tensor(variance).to_type(ScalarType.Float32));
        using var y = layer.Apply(x);
        for (int c = 0; c < 3; c++)
        {
            using var expected = (x.select(3, c) - mean[c]) / Math.Sqrt(variance[c]);
            Assert.True(y.select(3, c).allclose(expected, rtol: 1e-5, atol: 1e-5), $"channel {c}");
        }
        Assert.Equal(0.456, layer.Mean![1], 1e-6);

        // Adapt learns into the same weights (and builds a fresh layer first).
        using var data = randn([50, 2, 2, 3]) * 3 + 7;
        using var adapted = new Normalization();
        adapted.Adapt(data);
        Assert.Equal(3, adapted.Weights.Count);
        using var flat = data.reshape(-1, 3).to_type(ScalarType.Float64);
        Assert.Equal(flat.mean([0]).data<double>().ToArray(), adapted.Mean!.ToArray(), (a, b) => Math.Abs(a - b) < 1e-4);
        Assert.Equal(flat.var([0], unbiased: false).data<double>().ToArray(), adapted.Variance!.ToArray(), (a, b) => Math.Abs(a - b) < 1e-3);
        using var normalized = adapted.Apply(data);
        Assert.Equal(3, adapted.Weights.Count);   // its first call found the weights Adapt made
        Assert.Equal(0, normalized.mean().item<float>(), 3);

        Assert.Contains("only the last axis", Assert.Throws<ArgumentException>(() => new Normalization(axis: 1).Apply(new Input([4, 4, 3]))).Message);
        Assert.Throws<InvalidOperationException>(() => new Normalization(mean: [1.0], variance: [1.0]).Adapt(data));
    }

    [Fact]
    public void Dropout_with_noise_shape_drops_whole_samples_and_keeps_the_expected_value()
    {
        manual_seed(3);
        using var layer = new Dropout(0.25, noiseShape: [null, 1, 1, 1]);
        using var x = ones([4000, 2, 2, 3]);
        using var y = layer.Apply(x, training: true);
        using var perSample = y.reshape(4000, -1);
        using var min = perSample.amin([1]);
        using var max = perSample.amax([1]);
        Assert.True(min.equal(max).all().item<bool>(), "a sample is dropped or kept whole");
        var values = max.data<float>().ToArray();
        Assert.All(values, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75) < 1e-6, $"value {v}"));
        double dropped = values.Count(v => v == 0) / 4000.0;
        Assert.InRange(dropped, 0.2, 0.3);   // 0.25 ± 7 standard deviations of 4,000 draws
        using (var inference = layer.Apply(x)) Assert.True(inference.equal(x).all().item<bool>());
        Assert.Equal(new int?[] { null, 1, 1, 1 }, layer.NoiseShape!);
        Assert.Contains("noise_shape", Assert.Throws<ArgumentException>(() => new Dropout(0.2, noiseShape: [null, 1, 1]).Apply(new Input([2, 2, 3]))).Message);
        Assert.Throws<ArgumentException>(() => new Dropout(0.2, noiseShape: [null, 0]));
    }

    [Fact]
    public void Multiply_broadcasts_channel_weights_over_feature_maps_as_squeeze_and_excitation_does()
    {
        using var maps = randn([2, 3, 3, 4]);
        using var weights = rand([2, 1, 1, 4]);
        using var layer = new Multiply();
        using var y = layer.Apply([maps, weights]);
        for (int c = 0; c < 4; c++)
            for (int n = 0; n < 2; n++)
            {
                using var expected = maps[n].select(2, c) * weights[n, 0, 0, c].item<float>();
                Assert.True(y[n].select(2, c).allclose(expected, rtol: 1e-6, atol: 1e-6));
            }
        var symbolic = new Multiply().Apply([new Input([3, 3, 4]), new Input([1, 1, 4])]);
        Assert.Equal([3, 3, 4], symbolic.Shape);
        var error = Assert.Throws<ArgumentException>(() => new Multiply(name: "se").Apply([new Input([3, 3, 4]), new Input([1, 1, 5])]));
        Assert.Contains("se", error.Message);
        Assert.Contains("(None, 1, 1, 5)", error.Message);
    }
}
