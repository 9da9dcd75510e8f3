using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.ApplicationModels;

/// <summary>
/// keras.applications' EfficientNetB0-B7 as Keras 3 builds them (keras/src/applications/efficientnet.py): the parameter
/// counts of Keras's applications table (keras.io/api/applications, "Available models": EfficientNetB0 5,330,571,
/// B1 7,856,239, B2 9,177,569, B3 12,320,535, B4 19,466,823, B5 30,562,527, B6 43,265,143, B7 66,658,687; they include
/// the Normalization layer's mean, variance and count, 7 values, and the batch normalisation statistics), Keras's
/// layer names, classes and order (what loading Keras's .h5 relies on), drop-connect rates and working forward passes.
/// Every variant ends in global pooling, so its count does not depend on the input size and it is built small here.
/// </summary>
public class EfficientNetTests
{
    static Model Build(string variant, bool includeTop = true, int[]? inputShape = null, string? pooling = null, int classes = 1000, string? weights = null) => variant switch
    {
        "B0" => Applications.EfficientNetB0(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "B1" => Applications.EfficientNetB1(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "B2" => Applications.EfficientNetB2(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "B3" => Applications.EfficientNetB3(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "B4" => Applications.EfficientNetB4(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "B5" => Applications.EfficientNetB5(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "B6" => Applications.EfficientNetB6(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        "B7" => Applications.EfficientNetB7(includeTop, weights, inputShape: inputShape, pooling: pooling, classes: classes),
        _ => throw new ArgumentException(variant),
    };

    [Theory]
    [InlineData("B0", 5_330_571)]
    [InlineData("B1", 7_856_239)]
    [InlineData("B2", 9_177_569)]
    [InlineData("B3", 12_320_535)]
    [InlineData("B4", 19_466_823)]
    [InlineData("B5", 30_562_527)]
    [InlineData("B6", 43_265_143)]
    [InlineData("B7", 66_658_687)]
    public void With_the_top_the_parameter_count_is_Keras_published_figure(string variant, long parameters)
    {
        using var model = Build(variant, inputShape: [32, 32, 3]);
        Assert.Equal(parameters, model.CountParams());
        Assert.Equal([1000], model.Outputs[0].Shape);
    }

    [Fact]
    public void B0_without_the_top_is_Keras_feature_extractor_at_224()
    {
        using var model = Applications.EfficientNetB0(includeTop: false, weights: null);
        // 5,330,571 less the top's dense layer (1280 x 1000 weights and 1000 biases).
        Assert.Equal(4_049_571, model.CountParams());
        Assert.Equal([224, 224, 3], model.Inputs[0].Shape);
        Assert.Equal([7, 7, 1280], model.Outputs[0].Shape);
        // 237 layers: the input, rescaling and normalization, the stem's 4, 227 in the 16 blocks, top_conv/bn/activation.
        Assert.Equal(237, model.Layers.Count);
        Assert.Equal(["rescaling", "normalization", "stem_conv_pad", "stem_conv", "stem_bn", "stem_activation", "block1a_dwconv", "block1a_bn", "block1a_activation",
            "block1a_se_squeeze", "block1a_se_reshape", "block1a_se_reduce", "block1a_se_expand", "block1a_se_excite", "block1a_project_conv", "block1a_project_bn",
            "block2a_expand_conv", "block2a_expand_bn", "block2a_expand_activation", "block2a_dwconv_pad", "block2a_dwconv"], model.Layers.Skip(1).Take(21).Select(l => l.Name));
        Assert.Equal(["block7a_project_conv", "block7a_project_bn", "top_conv", "top_bn", "top_activation"], model.Layers.TakeLast(5).Select(l => l.Name));
        Assert.Equal(16, model.Layers.Count(l => l.Name.EndsWith("_dwconv", StringComparison.Ordinal)));
        Assert.Equal(["mean", "variance", "count"], model.GetLayer("normalization").NonTrainableWeights.Select(w => w.Name));
        Assert.Equal(((0, 1), (0, 1)), ((ZeroPadding2D)model.GetLayer("stem_conv_pad")).Padding);   // Keras's correct_pad on 224
        Assert.Equal("silu", ((Activation)model.GetLayer("block4b_activation")).ActivationName);   // Keras 3 serializes swish as silu
        var excite = model.GetLayer("block3b_se_excite");
        Assert.IsType<Multiply>(excite);
        Assert.Equal([1, 1, 240], model.GetLayer("block3b_se_expand").OutputShape);
        Assert.Equal([28, 28, 240], excite.OutputShape);
        Assert.Equal([5, 5], ((DepthwiseConv2D)model.GetLayer("block6c_dwconv")).KernelSize is var (h, w) ? new[] { h, w } : []);
        // No second rescaling without ImageNet weights, as in Keras 3.
        Assert.Single(model.Layers.OfType<Rescaling>());
    }

    [Fact]
    public void Drop_connect_grows_with_the_block_index_and_the_top_drops_out_before_the_classifier()
    {
        using var model = Build("B0", inputShape: [32, 32, 3]);
        // Keras: rate 0.2 * b / 16 for block b (from 0), on residual blocks only; one draw per sample.
        var drops = model.Layers.OfType<Dropout>().Where(d => d.Name.EndsWith("_drop", StringComparison.Ordinal)).ToList();
        Assert.Equal(["block2b_drop", "block3b_drop", "block4b_drop", "block4c_drop", "block5b_drop", "block5c_drop", "block6b_drop", "block6c_drop", "block6d_drop"],
            drops.Select(d => d.Name));
        Assert.Equal([2, 4, 6, 7, 9, 10, 12, 13, 14], drops.Select(d => (int)Math.Round(d.Rate * 16 / 0.2)));
        Assert.All(drops, d => Assert.Equal(new int?[] { null, 1, 1, 1 }, d.NoiseShape!));
        Assert.IsType<Add>(model.GetLayer("block6d_add"));
        Assert.Equal(["avg_pool", "top_dropout", "predictions"], model.Layers.TakeLast(3).Select(l => l.Name));
        Assert.Equal(0.2, ((Dropout)model.GetLayer("top_dropout")).Rate);
        using var noDropout = Applications.EfficientNetB0(weights: null, inputShape: [32, 32, 3], dropoutRate: 0, dropConnectRate: 0);
        Assert.Empty(noDropout.Layers.OfType<Dropout>());
    }

    [Fact]
    public void Raw_pixels_run_forward_to_class_probabilities_and_through_a_training_step()
    {
        using var model = Build("B0", inputShape: [64, 64, 3], classes: 10);
        using var x = rand(4, 64, 64, 3) * 255;
        var p = model.Predict(x, verbose: 0);
        Assert.Equal([4, 10], p.shape);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(1.0, p[i].ToArray<float>().Sum(), 4));
        using var features = Build("B0", includeTop: false, inputShape: [32, 32, 3], pooling: "max");
        Assert.Equal([1280], features.Outputs[0].Shape);
        Assert.IsType<GlobalMaxPooling2D>(features.GetLayer("max_pool"));

        model.Compile("adam", "sparse_categorical_crossentropy");
        using var y = randint(0, 10, [4], dtype: ScalarType.Int64);
        var before = model.GetLayer("block2b_project_conv").GetWeights()[0].ToArray<float>();
        var stats = model.GetLayer("normalization").GetWeights()[0].ToArray<float>();
        model.Fit(x, y, batchSize: 4, epochs: 1, verbose: 0);
        Assert.NotEqual(before, model.GetLayer("block2b_project_conv").GetWeights()[0].ToArray<float>());
        Assert.Equal(stats, model.GetLayer("normalization").GetWeights()[0].ToArray<float>());   // non-trainable
    }

    [Fact]
    public void A_weights_file_loads_in_Keras_layer_order_normalization_statistics_included()
    {
        var path = Path.Combine(Path.GetTempPath(), $"efficientnetb0-{Guid.NewGuid():N}.h5");
        try
        {
            using var x = rand(2, 32, 32, 3) * 255;
            using var source = Build("B0", includeTop: false, inputShape: [32, 32, 3], pooling: "avg");
            source.GetLayer("normalization").Weights[0].Assign(tensor(new[] { 0.485f, 0.456f, 0.406f }));
            source.GetLayer("normalization").Weights[1].Assign(tensor(new[] { 0.052f, 0.050f, 0.051f }));
            var expected = source.Predict(x, verbose: 0).ToArray<float>();
            source.SaveWeights(path);
            using var loaded = Build("B0", includeTop: false, inputShape: [32, 32, 3], pooling: "avg", weights: path);
            Assert.Equal(0.456, loaded.GetLayer("normalization").Weights[0].Numpy().ToArray<float>()[1], 1e-6);
            var actual = loaded.Predict(x, verbose: 0).ToArray<float>();
            Assert.Equal(expected, actual, (a, b) => Math.Abs(a - b) <= 1e-5 + 1e-4 * Math.Abs(b));
            // B1's layers do not fit B0's file: refused, naming the file.
            Assert.Contains(Path.GetFileName(path), Assert.ThrowsAny<Exception>(() => Build("B1", includeTop: false, inputShape: [32, 32, 3], weights: path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_saved_keras_file_restores_the_stem_drop_connect_and_outputs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"efficientnetb0-{Guid.NewGuid():N}.keras");
        try
        {
            using var x = rand(2, 32, 32, 3) * 255;
            using var model = Applications.EfficientNetB0(weights: null, inputShape: [32, 32, 3], classes: 5);
            model.GetLayer("normalization").Weights[1].Assign(tensor(new[] { 0.05f, 0.06f, 0.07f }));
            var expected = model.Predict(x, verbose: 0).ToArray<float>();
            model.Save(path);
            // The configs round trip: Normalization's axis (3,), Dropout's noise_shape (None, 1, 1, 1), the layer order.
            using var restored = Pipeline.Models.Models.LoadModel(path, compile: false);
            Assert.Equal(model.Layers.Select(l => l.Name), restored.Layers.Select(l => l.Name));
            Assert.Equal(new int?[] { null, 1, 1, 1 }, ((Dropout)restored.GetLayer("block6d_drop")).NoiseShape!);
            Assert.Equal(3, ((Normalization)restored.GetLayer("normalization")).Axis);
            var actual = restored.Predict(x, verbose: 0).ToArray<float>();
            Assert.Equal(expected, actual, (a, b) => Math.Abs(a - b) <= 1e-6 + 1e-4 * Math.Abs(b));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Keras_argument_checks_apply()
    {
        Assert.Contains("should be (224, 224, 3)", Assert.Throws<ArgumentException>(() => Applications.EfficientNetB0(inputShape: [240, 240, 3])).Message);
        Assert.Contains("should be (600, 600, 3)", Assert.Throws<ArgumentException>(() => Applications.EfficientNetB7(inputShape: [224, 224, 3])).Message);
        Assert.Contains("`classes` should be 1000", Assert.Throws<ArgumentException>(() => Applications.EfficientNetB0(classes: 10)).Message);
        Assert.Contains("at least 32x32", Assert.Throws<ArgumentException>(() => Applications.EfficientNetB0(includeTop: false, weights: null, inputShape: [16, 16, 3])).Message);
        Assert.Contains("`pooling`", Assert.Throws<ArgumentException>(() => Applications.EfficientNetB0(includeTop: false, weights: null, pooling: "mean")).Message);
    }
}
