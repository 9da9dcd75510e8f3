using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.ApplicationModels;

/// <summary>
/// The classic keras.applications architectures: the parameter counts Keras publishes (its applications table:
/// VGG16 138,357,544, ResNet50 25,636,712, InceptionV3 23,851,784, DenseNet121 8,062,504, MobileNetV2 3,538,984),
/// Keras's layer names (what loading Keras's .h5 files by name relies on) and working forward passes. Every model but
/// VGG16 ends in global pooling, so its count does not depend on the input size and it is built small here.
/// </summary>
public class ClassicModelsTests
{
    public static TheoryData<string, long> PublishedCounts => new()
    {
        { "ResNet50", 25_636_712 },
        { "InceptionV3", 23_851_784 },
        { "DenseNet121", 8_062_504 },
        { "MobileNetV2", 3_538_984 },
        { "MobileNet", 4_253_864 },
    };

    static Model Build(string architecture, bool includeTop = true, int[]? inputShape = null, string? pooling = null, int classes = 1000) => architecture switch
    {
        "VGG16" => Applications.VGG16(includeTop, weights: null, inputShape: inputShape, pooling: pooling, classes: classes),
        "ResNet50" => Applications.ResNet50(includeTop, weights: null, inputShape: inputShape, pooling: pooling, classes: classes),
        "InceptionV3" => Applications.InceptionV3(includeTop, weights: null, inputShape: inputShape, pooling: pooling, classes: classes),
        "DenseNet121" => Applications.DenseNet121(includeTop, weights: null, inputShape: inputShape, pooling: pooling, classes: classes),
        "MobileNetV2" => Applications.MobileNetV2(inputShape, includeTop: includeTop, weights: null, pooling: pooling, classes: classes),
        "MobileNet" => Applications.MobileNet(inputShape, includeTop: includeTop, weights: null, pooling: pooling, classes: classes),
        _ => throw new ArgumentException(architecture),
    };

    static int[] Smallest(string architecture) => architecture == "InceptionV3" ? [75, 75, 3] : [32, 32, 3];

    [Theory]
    [MemberData(nameof(PublishedCounts))]
    public void With_the_top_the_parameter_count_is_Keras_published_figure(string architecture, long parameters)
    {
        using var model = Build(architecture, inputShape: Smallest(architecture));
        Assert.Equal(parameters, model.CountParams());
        Assert.Equal([1000], model.Outputs[0].Shape);
    }

    [Fact]
    public void VGG16_with_its_dense_top_has_138_357_544_parameters_at_224()
    {
        using var model = Applications.VGG16(weights: null);
        Assert.Equal(138_357_544, model.CountParams());
        Assert.Equal(["block5_pool", "flatten", "fc1", "fc2", "predictions"], model.Layers.TakeLast(5).Select(l => l.Name));
        Assert.Equal(25_088, model.GetLayer("flatten").OutputShape![0]);   // 7 x 7 x 512
    }

    [Theory]
    // Without the top: Keras's feature maps at the default size, and its layer counts (input layer included).
    [InlineData("VGG16", new[] { 7, 7, 512 }, 19, 14_714_688)]
    [InlineData("ResNet50", new[] { 7, 7, 2048 }, 175, 23_587_712)]
    [InlineData("InceptionV3", new[] { 8, 8, 2048 }, 311, 21_802_784)]
    [InlineData("DenseNet121", new[] { 7, 7, 1024 }, 427, 7_037_504)]
    [InlineData("MobileNetV2", new[] { 7, 7, 1280 }, 154, 2_257_984)]
    public void Without_the_top_the_base_has_Keras_feature_map_layer_count_and_parameters(string architecture, int[] featureMap, int layers, long parameters)
    {
        using var model = Build(architecture, includeTop: false);
        Assert.Equal(featureMap, model.Outputs[0].Shape);
        Assert.Equal(layers, model.Layers.Count);
        Assert.Equal(parameters, model.CountParams());
    }

    [Fact]
    public void Layers_carry_Keras_names_so_Keras_weights_load_by_name()
    {
        using (var resnet = Build("ResNet50", includeTop: false, inputShape: [32, 32, 3]))
        {
            Assert.Equal(["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool"], resnet.Layers.Skip(1).Take(6).Select(l => l.Name));
            Assert.Equal("conv5_block3_out", resnet.Layers[^1].Name);
            Assert.Equal(1.001e-5, ((BatchNormalization)resnet.GetLayer("conv4_block6_3_bn")).Epsilon);
            Assert.IsType<Add>(resnet.GetLayer("conv3_block4_add"));
        }
        using (var densenet = Build("DenseNet121", includeTop: false, inputShape: [32, 32, 3]))
        {
            Assert.Equal(["conv5_block16_concat", "bn", "relu"], densenet.Layers.TakeLast(3).Select(l => l.Name));
            Assert.Equal(512, densenet.GetLayer("pool4_conv").OutputShape![^1]);   // 1024 channels halved by the transition
        }
        using (var mobilenet = Build("MobileNetV2", includeTop: false, inputShape: [32, 32, 3]))
        {
            Assert.Equal(["Conv1", "bn_Conv1", "Conv1_relu", "expanded_conv_depthwise"], mobilenet.Layers.Skip(1).Take(4).Select(l => l.Name));
            Assert.Equal(0.999, ((BatchNormalization)mobilenet.GetLayer("block_16_project_BN")).Momentum);
            Assert.IsType<Add>(mobilenet.GetLayer("block_15_add"));
            Assert.Equal("out_relu", mobilenet.Layers[^1].Name);
        }
        using (var inception = Build("InceptionV3", includeTop: false, inputShape: [75, 75, 3]))
        {
            Assert.Equal(Enumerable.Range(0, 11).Select(i => $"mixed{i}"), inception.Layers.Where(l => l.Name.StartsWith("mixed", StringComparison.Ordinal) && !l.Name.Contains('_')).Select(l => l.Name));
            Assert.All(inception.Layers.OfType<BatchNormalization>(), bn => Assert.False(bn.Scale));
        }
    }

    [Theory]
    [InlineData("VGG16")]
    [InlineData("ResNet50")]
    [InlineData("InceptionV3")]
    [InlineData("DenseNet121")]
    [InlineData("MobileNetV2")]
    public void A_small_input_runs_forward_to_class_probabilities(string architecture)
    {
        using var model = Build(architecture, includeTop: false, inputShape: Smallest(architecture), pooling: "avg");
        var head = new Dense(10, activation: "softmax").Apply(model.Outputs[0]);
        using var classifier = new Model(model.Inputs, head);
        using var x = rand(2, Smallest(architecture)[0], Smallest(architecture)[1], 3) * 255;
        var p = classifier.Predict(x, verbose: 0);
        Assert.Equal([2, 10], p.shape);
        Assert.All(Enumerable.Range(0, 2), i => Assert.Equal(1.0, p[i].ToArray<float>().Sum(), 4));
    }

    [Fact]
    public void Max_pooling_gives_a_vector_and_Keras_size_checks_apply()
    {
        using var model = Build("DenseNet121", includeTop: false, inputShape: [64, 64, 3], pooling: "max");
        Assert.Equal([1024], model.Outputs[0].Shape);
        Assert.IsType<GlobalMaxPooling2D>(model.GetLayer("max_pool"));
        Assert.Contains("at least 75x75", Assert.Throws<ArgumentException>(() => Build("InceptionV3", includeTop: false, inputShape: [64, 64, 3])).Message);
        Assert.Contains("should be (299, 299, 3)", Assert.Throws<ArgumentException>(() => Applications.InceptionV3(inputShape: [224, 224, 3])).Message);
        Assert.Contains("`classes` should be 1000", Assert.Throws<ArgumentException>(() => Applications.ResNet50(classes: 10)).Message);
    }
}
