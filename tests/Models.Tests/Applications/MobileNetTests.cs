using System.Text.Json.Nodes;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.ApplicationModels;

/// <summary>
/// keras.applications.MobileNet, checked against Keras's published figures and two real Keras weight files
/// (shared/fixtures/keras-mobilenet-imagenet-notop and keras-mobilenet-catvsdog; see their PROVENANCE.md).
/// </summary>
public class MobileNetTests
{
    static string Notop => RepositoryPaths.Fixture("keras-mobilenet-imagenet-notop", "mobilenet_2_5_224_tf_no_top.h5");
    static string CatDog(string file) => RepositoryPaths.Fixture("keras-mobilenet-catvsdog", file);

    [Fact]
    public void Full_MobileNet_has_Keras_published_parameter_count_and_layer_names()
    {
        using var model = Applications.MobileNet(weights: null);
        Assert.Equal(4_253_864, model.CountParams());
        Assert.Equal("mobilenet_1.00_224", model.Name);
        Assert.Equal([1000], model.Outputs[0].Shape);
        string[] firstBlocks = ["conv1", "conv1_bn", "conv1_relu", "conv_dw_1", "conv_dw_1_bn", "conv_dw_1_relu", "conv_pw_1", "conv_pw_1_bn", "conv_pw_1_relu",
            "conv_pad_2", "conv_dw_2", "conv_dw_2_bn"];
        Assert.Equal(firstBlocks, model.Layers.Skip(1).Take(firstBlocks.Length).Select(l => l.Name));
        Assert.Equal(["conv_pad_2", "conv_pad_4", "conv_pad_6", "conv_pad_12"], model.Layers.OfType<ZeroPadding2D>().Select(l => l.Name));
        Assert.Equal(["dropout", "conv_preds", "reshape_2", "predictions"], model.Layers.TakeLast(4).Select(l => l.Name));
        var relu = Assert.IsType<ReLU>(model.GetLayer("conv_pw_13_relu"));
        Assert.Equal(6.0, relu.MaxValue);
        Assert.All(model.Layers.OfType<BatchNormalization>(), bn => Assert.Equal(1e-3, bn.Epsilon));
        Assert.False(((DepthwiseConv2D)model.GetLayer("conv_dw_5")).UseBias);
    }

    [Fact]
    public void ImageNet_notop_weights_load_by_name_and_give_a_7x7x256_map()
    {
        using var model = Applications.MobileNet(inputShape: [224, 224, 3], alpha: 0.25, includeTop: false, weights: Notop);
        Assert.Equal(218_544, model.CountParams());
        Assert.Equal(213_072, model.TrainableWeights.Sum(w => w.Shape.Aggregate(1L, (a, b) => a * b)));
        // The PROVENANCE's weight sums: the file's values, not the random initialisation, are in the layers.
        Assert.Equal(-1.179396, Sum(model.GetLayer("conv1").GetWeights()[0]), 3);
        Assert.Equal(-334.582581, Sum(model.GetLayer("conv_pw_13").GetWeights()[0]), 2);
        using var x = zeros(1, 224, 224, 3);
        Assert.Equal([1, 7, 7, 256], model.Predict(x, verbose: 0).shape);
    }

    [Fact]
    public void ImageNet_features_of_a_photo_match_the_independent_numpy_reference()
    {
        using var model = Applications.MobileNet(inputShape: [224, 224, 3], alpha: 0.25, includeTop: false, pooling: "avg", weights: Notop);
        Assert.Equal([256], model.Outputs[0].Shape);
        var reference = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Fixture("keras-mobilenet-imagenet-notop", "reference_gap_features_cats_vs_dogs_numpy.json")))!["features"]!;
        string[] files = ["test/cats/cat.4001.jpg", "test/dogs/dog.4001.jpg"];
        using var batch = FixtureImages.Batch(files.Select(f => FixtureImages.CatsVsDogs(f.Split('/'))), p => FixtureImages.Squashed(p));
        var features = model.Predict(batch, verbose: 0).ToArray<float>();
        for (int i = 0; i < files.Length; i++)
        {
            var expected = reference[files[i]]!.AsArray().Select(v => (float)v!).ToArray();
            var actual = features.Skip(i * 256).Take(256).ToArray();
            // The reference used PIL's bilinear resize; ours is TensorFlow's antialiased bilinear, whose pixels differ
            // by a grey level here and there. Through 27 layers that moves features by a few percent of their size,
            // far less than a different image or random weights would (those change them completely).
            double dot = 0, ne = 0, na = 0, worst = 0;
            for (int k = 0; k < 256; k++)
            {
                dot += expected[k] * actual[k]; ne += expected[k] * expected[k]; na += actual[k] * actual[k];
                worst = Math.Max(worst, Math.Abs(expected[k] - actual[k]));
            }
            double cosine = dot / Math.Sqrt(ne * na);
            Assert.True(cosine > 0.995, $"{files[i]}: cosine similarity {cosine:F5} to the reference features");
            Assert.True(worst < 0.25, $"{files[i]}: max |difference| {worst:F4} (feature values reach {expected.Max():F2})");
            Assert.Equal(expected.Sum(), actual.Sum(), 256 * 0.02);
        }
    }

    /// <summary>The cat/dog model as its author built it: MobileNet's base, then a head with the functional API.</summary>
    static Model CatDogModel()
    {
        var baseModel = Applications.MobileNet(inputShape: [224, 224, 3], alpha: 0.25, includeTop: false, weights: null);
        var x = new GlobalAveragePooling2D().Apply(baseModel.Outputs[0]);
        x = new Reshape([1, 1, 256]).Apply(x);
        x = new Dropout(1e-3, name: "dropout").Apply(x);
        x = new Conv2D(2, 1, padding: "same", name: "conv_preds").Apply(x);
        x = new Activation("softmax", name: "act_softmax").Apply(x);
        x = new Reshape([2]).Apply(x);
        var model = new Model(baseModel.Inputs, x);
        model.LoadWeights(CatDog("mobilenet025_catvsdog.h5"), byName: true);
        return model;
    }

    [Fact]
    public void Cat_dog_model_built_on_MobileNet_recognises_the_repository_photos()
    {
        using var model = CatDogModel();
        Assert.Equal(219_058, model.CountParams());
        Assert.Equal(-3.846807, Sum(model.GetLayer("conv_preds").GetWeights()[0]), 4);
        using var batch = FixtureImages.Batch([CatDog("cat.jpg"), CatDog("dog.jpg")], p => FixtureImages.Letterbox(p));
        var p = model.Predict(batch, verbose: 0).ToArray<float>();
        Assert.True(p[0] > 0.999, $"cat.jpg: p(cat) = {p[0]}");
        Assert.True(p[3] > 0.999, $"dog.jpg: p(dog) = {p[3]}");
    }

    [Fact]
    public void Cat_dog_model_scores_at_least_95_percent_on_the_test_photos()
    {
        using var model = CatDogModel();
        var files = new[] { "cats", "dogs" }.SelectMany((c, label) => Directory.GetFiles(FixtureImages.CatsVsDogs("test", c), "*.jpg").Order().Select(f => (f, label))).ToList();
        Assert.Equal(40, files.Count);
        using var batch = FixtureImages.Batch(files.Select(f => f.f), p => FixtureImages.Letterbox(p));
        var p = model.Predict(batch, verbose: 0).ToArray<float>();
        int correct = files.Select((f, i) => (p[2 * i + 1] > p[2 * i] ? 1 : 0) == f.label ? 1 : 0).Sum();
        Assert.True(correct >= 38, $"{correct}/40 correct");
    }

    [Fact]
    public void Stride_2_same_padding_equals_ZeroPadding_bottom_right_then_valid()
    {
        // Keras 2.0 files (like both fixtures) come from graphs with padding "same" on stride-2 depthwise convolutions;
        // keras.applications now writes ZeroPadding2D(((0, 1), (0, 1))) + "valid". On even sizes both pad one row and
        // column at the bottom right, so the same weights compute the same outputs.
        var same = new DepthwiseConv2D(3, strides: 2, padding: "same", useBias: false);
        var valid = new DepthwiseConv2D(3, strides: 2, padding: "valid", useBias: false);
        var pad = new ZeroPadding2D(((0, 1), (0, 1)));
        using var x = randn(2, 16, 16, 4);
        using var a = same.Apply(x);
        using var padded = pad.Apply(x);
        valid.Apply(padded).Dispose();   // builds it
        valid.SetWeights(same.GetWeights());
        using var b = valid.Apply(padded);
        Assert.Equal(a.shape, b.shape);
        using var difference = (a - b).abs().max();
        Assert.True(difference.item<float>() < 1e-5f, $"max |difference| {difference.item<float>()}");
    }

    [Fact]
    public void Weights_of_another_model_are_refused_naming_the_missing_layers()
    {
        var mlp = RepositoryPaths.Fixture("keras-h5", "dl4j_mnist_mlp", "mnist_mlp_tf_keras_2_weights.h5");
        var e = Assert.Throws<KerasFileException>(() => Applications.MobileNet(alpha: 0.25, includeTop: false, weights: mlp));
        Assert.Contains("conv1", e.Message);
        Assert.Contains("dense_3", e.Message);
        // The with-top file is not the no-top one: the classifier's weights are missing.
        e = Assert.Throws<KerasFileException>(() => Applications.MobileNet(alpha: 0.25, weights: Notop));
        Assert.Contains("conv_preds", e.Message);
    }

    [Fact]
    public void Arguments_Keras_rejects_fail_with_Keras_messages()
    {
        Assert.Contains("`classes` should be 1000", Assert.Throws<ArgumentException>(() => Applications.MobileNet(classes: 10)).Message);
        Assert.Contains("`weights` argument should be either", Assert.Throws<ArgumentException>(() => Applications.MobileNet(weights: "/no/such.h5")).Message);
        Assert.Contains("alpha can be one of", Assert.Throws<ArgumentException>(() => Applications.MobileNet(alpha: 0.3, includeTop: false)).Message);
        Assert.Contains("should be (224, 224, 3)", Assert.Throws<ArgumentException>(() => Applications.MobileNet(inputShape: [96, 96, 3])).Message);
        Assert.Contains("at least 32x32", Assert.Throws<ArgumentException>(() => Applications.MobileNet(inputShape: [16, 16, 3], weights: null)).Message);
        Assert.Contains("pooling", Assert.Throws<ArgumentException>(() => Applications.MobileNet(includeTop: false, weights: null, pooling: "mean")).Message);
    }

    [Fact]
    public void Small_inputs_and_a_callers_input_tensor_build_without_weights()
    {
        var inputs = new Input([32, 32, 3], name: "image");
        var scaled = new Rescaling(1 / 127.5, offset: -1).Apply(inputs);
        using var model = Applications.MobileNet(alpha: 0.25, includeTop: true, weights: null, inputTensor: scaled, classes: 10, dropout: 0.2);
        Assert.Same(((KerasTensor)inputs).Node, model.Inputs[0].Node);
        Assert.Equal("mobilenet_0.25_32", model.Name);
        Assert.Equal([10], model.Outputs[0].Shape);
        using var x = rand(3, 32, 32, 3) * 255;
        var p = model.Predict(x, verbose: 0);
        Assert.Equal([3, 10], p.shape);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(1.0, p[i].ToArray<float>().Sum(), 4));
    }

    [Fact]
    public void PreprocessInput_modes_follow_imagenet_utils()
    {
        using var x = tensor(new float[] { 0, 127.5f, 255 }).reshape(1, 1, 1, 3);
        Assert.Equal([-1f, 0f, 1f], Applications.PreprocessInput(x, "tf").data<float>().ToArray());
        var caffe = Applications.PreprocessInput(x, "caffe").data<float>().ToArray();   // BGR minus the BGR mean
        Assert.Equal([255 - 103.939f, 127.5f - 116.779f, 0 - 123.68f], caffe, new FloatTolerance(1e-4f));
        var torchMode = Applications.PreprocessInput(x, "torch").data<float>().ToArray();
        Assert.Equal([(0 - 0.485f) / 0.229f, (0.5f - 0.456f) / 0.224f, (1 - 0.406f) / 0.225f], torchMode, new FloatTolerance(1e-4f));
        Assert.Throws<ArgumentException>(() => Applications.PreprocessInput(x, "inception"));
    }

    static double Sum(NumSharp.NDArray a) => a.ToArray<float>().Sum(v => (double)v);

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
