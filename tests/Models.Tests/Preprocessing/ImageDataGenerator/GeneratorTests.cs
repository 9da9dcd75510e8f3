using Pipeline.Models.Preprocessing;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Preprocessing.ImageDataGeneratorTests;

/// <summary>ImageDataGenerator's arguments, random draws, Fit statistics and Standardize.</summary>
public class GeneratorTests
{
    [Theory]
    [InlineData("rotationRange", "-5")]
    [InlineData("shearRange", "-1")]
    [InlineData("channelShiftRange", "-10")]
    [InlineData("widthShiftRange", "-0.1")]
    [InlineData("heightShiftRange", "-2")]
    [InlineData("zoomRange", "-0.2")]
    [InlineData("validationSplit", "1.5")]
    [InlineData("interpolationOrder", "7")]
    public void A_negative_or_out_of_range_argument_is_refused_naming_it_with_the_value(string argument, string value)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => argument switch
        {
            "rotationRange" => new ImageDataGenerator(rotationRange: double.Parse(value)),
            "shearRange" => new ImageDataGenerator(shearRange: double.Parse(value)),
            "channelShiftRange" => new ImageDataGenerator(channelShiftRange: double.Parse(value)),
            "widthShiftRange" => new ImageDataGenerator(widthShiftRange: double.Parse(value)),
            "heightShiftRange" => new ImageDataGenerator(heightShiftRange: int.Parse(value)),
            "zoomRange" => new ImageDataGenerator(zoomRange: double.Parse(value)),
            "validationSplit" => new ImageDataGenerator(validationSplit: double.Parse(value)),
            _ => new ImageDataGenerator(interpolationOrder: int.Parse(value)),
        });
        Assert.Equal(argument, e.ParamName);
        Assert.Contains(argument, e.Message);
        Assert.Contains($"got {value}", e.Message);
    }

    [Fact]
    public void Unknown_names_and_reversed_ranges_are_refused_with_the_expected_and_actual_values()
    {
        var fill = Assert.Throws<ArgumentException>(() => new ImageDataGenerator(fillMode: "mirror"));
        Assert.Equal("fillMode", fill.ParamName);
        Assert.Contains("\"nearest\", \"reflect\", \"wrap\", \"constant\"; got \"mirror\"", fill.Message);

        var zoom = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDataGenerator(zoomRange: (1.2, 0.8)));
        Assert.Equal("zoomRange", zoom.ParamName);
        Assert.Contains("got (1.2, 0.8)", zoom.Message);

        var brightness = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDataGenerator(brightnessRange: (1.5, 0.5)));
        Assert.Equal("brightnessRange", brightness.ParamName);
        Assert.Contains("got (1.5, 0.5)", brightness.Message);

        var spline = Assert.Throws<NotSupportedException>(() => new ImageDataGenerator(interpolationOrder: 3));
        Assert.Contains("interpolationOrder 3", spline.Message);

        using var x = zeros(10, 4, 4, 3);
        using var y = zeros(10);
        var subset = Assert.Throws<ArgumentException>(() => new ImageDataGenerator(validationSplit: 0.2).Flow(x, y, subset: "test"));
        Assert.Equal("subset", subset.ParamName);
        Assert.Contains("\"training\", \"validation\" or null; got \"test\"", subset.Message);
        var noSplit = Assert.Throws<ArgumentException>(() => new ImageDataGenerator().Flow(x, y, subset: "training"));
        Assert.Contains("validationSplit = 0", noSplit.Message);
        using var fewer = zeros(9);
        var length = Assert.Throws<ArgumentException>(() => new ImageDataGenerator().Flow(x, fewer));
        Assert.Contains("x.shape = (10, 4, 4, 3), y.shape = (9)", length.Message);
    }

    [Fact]
    public void GetRandomTransform_draws_within_the_ranges_in_Keras_units_and_a_seed_repeats_the_draw()
    {
        var generator = new ImageDataGenerator(rotationRange: 20, widthShiftRange: 0.25, heightShiftRange: 3, shearRange: 5,
            zoomRange: (0.5, 0.75), channelShiftRange: 30, brightnessRange: (0.2, 0.4), horizontalFlip: true);
        var draws = Enumerable.Range(0, 400).Select(s => generator.GetRandomTransform([40, 48, 3], seed: s)).ToArray();

        Assert.All(draws, p =>
        {
            Assert.InRange(p.Theta, -20, 20);
            Assert.InRange(p.Ty, -0.25 * 48, 0.25 * 48);               // a fraction of the width, in pixels
            Assert.Contains(p.Tx, new double[] { -2, -1, 0, 1, 2 });   // int 3: whole pixels from choice(3) with a sign
            Assert.InRange(p.Shear, -5, 5);
            Assert.InRange(p.Zx, 0.5, 0.75);
            Assert.InRange(p.Zy, 0.5, 0.75);
            Assert.InRange(p.ChannelShiftIntensity!.Value, -30, 30);
            Assert.InRange(p.Brightness!.Value, 0.2, 0.4);
            Assert.False(p.FlipVertical);
        });
        Assert.InRange(draws.Count(p => p.FlipHorizontal), 150, 250);
        Assert.True(draws.Select(p => p.Theta).Distinct().Count() > 390);
        Assert.Equal(draws[7], generator.GetRandomTransform([40, 48, 3], seed: 7));

        var still = new ImageDataGenerator().GetRandomTransform([8, 8, 1]);
        Assert.Equal(new TransformParameters(), still);
    }

    [Fact]
    public void Fit_computes_the_per_channel_mean_and_population_std_and_Standardize_applies_them()
    {
        // Two 2x2 images with 2 channels; channel 0 holds 1..8, channel 1 holds 10, 20, ..., 80.
        var values = new float[16];
        for (int i = 0; i < 8; i++)
        {
            values[2 * i] = i + 1;
            values[2 * i + 1] = 10 * (i + 1);
        }
        using var x = tensor(values, [2, 2, 2, 2]);
        var generator = new ImageDataGenerator(featurewiseCenter: true, featurewiseStdNormalization: true);
        generator.Fit(x);

        // Mean of 1..8 is 4.5; population variance of 1..8 is (64 - 1) / 12 = 5.25.
        Assert.Equal(4.5f, generator.Mean![0], 5);
        Assert.Equal(45f, generator.Mean[1], 4);
        Assert.Equal(Math.Sqrt(5.25), generator.Std![0], 5);
        Assert.Equal(10 * Math.Sqrt(5.25), generator.Std[1], 4);

        using var standardized = generator.Standardize(x);
        var s = standardized.data<float>().ToArray();
        Assert.Equal((1 - 4.5) / (Math.Sqrt(5.25) + 1e-6), s[0], 5);
        Assert.Equal((80 - 45) / (10 * Math.Sqrt(5.25) + 1e-6), s[15], 5);
    }

    [Fact]
    public void Fit_statistics_over_more_images_than_one_chunk_match_a_plain_loop()
    {
        manual_seed(4);
        using var x = (rand(2500, 3, 3, 2) * 255).round().to_type(ScalarType.Byte);
        var generator = new ImageDataGenerator(featurewiseStdNormalization: true);
        generator.Fit(x);

        var values = x.data<byte>().ToArray();
        for (int c = 0; c < 2; c++)
        {
            var channel = values.Where((_, i) => i % 2 == c).Select(v => (double)v).ToArray();
            double mean = channel.Average();
            double std = Math.Sqrt(channel.Select(v => (v - mean) * (v - mean)).Average());
            Assert.Equal(mean, generator.Mean![c], 3);
            Assert.Equal(std, generator.Std![c], 3);
        }
    }

    [Fact]
    public void Standardize_rescales_then_centres_and_normalizes_each_image_by_itself()
    {
        using var x = tensor(new float[] { 0, 255, 510, 765, 10, 10, 10, 30 }, [2, 2, 2, 1]);
        var generator = new ImageDataGenerator(rescale: 1.0 / 255, samplewiseCenter: true, samplewiseStdNormalization: true);
        using var result = generator.Standardize(x);
        var r = result.data<float>().ToArray();
        // Image 0 after rescale: 0, 1, 2, 3: mean 1.5, population std sqrt(1.25).
        Assert.Equal(-1.5 / (Math.Sqrt(1.25) + 1e-6), r[0], 5);
        Assert.Equal(1.5 / (Math.Sqrt(1.25) + 1e-6), r[3], 5);
        // Image 1: 10, 10, 10, 30 (/255): its own mean and std, not the batch's.
        Assert.Equal(r[4], r[5]);
        Assert.Equal(0, r[4..].Sum(), 4);
    }

    [Fact]
    public void Featurewise_standardization_before_Fit_is_an_error_not_a_silent_no_op()
    {
        using var x = ones(1, 4, 4, 3);
        var e = Assert.Throws<InvalidOperationException>(() => new ImageDataGenerator(featurewiseCenter: true).Standardize(x));
        Assert.Contains("FeaturewiseCenter", e.Message);
        Assert.Contains("Fit(x)", e.Message);
    }

    [Fact]
    public void Zca_whitening_decorrelates_the_fitted_data()
    {
        manual_seed(3);
        // 200 correlated 2x2x1 "images": every pixel shares a common component.
        using var common = randn(200, 1, 1, 1);
        using var x = common * 2 + randn(200, 2, 2, 1) * 0.5 + 3;
        var generator = new ImageDataGenerator(zcaWhitening: true, zcaEpsilon: 1e-9);
        generator.Fit(x);
        Assert.True(generator.FeaturewiseCenter);
        using var white = generator.Standardize(x);
        using var flat = white.reshape(200, 4).to_type(ScalarType.Float64);
        using var covariance = flat.t().matmul(flat) / 200;
        using var identity = eye(4, dtype: ScalarType.Float64);
        Assert.True((covariance - identity).abs().max().item<double>() < 1e-3, covariance.ToString(TorchSharp.TensorStringStyle.Numpy));
    }

    [Fact]
    public void RandomTransform_with_a_seed_equals_ApplyTransform_of_the_seeded_draw()
    {
        using var image = rand(12, 10, 3) * 255;
        var generator = new ImageDataGenerator(rotationRange: 40, zoomRange: 0.3, horizontalFlip: true, fillMode: "reflect");
        using var a = generator.RandomTransform(image, seed: 11);
        using var b = generator.ApplyTransform(image, generator.GetRandomTransform(image.shape, seed: 11));
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(image).all().item<bool>());
    }
}
