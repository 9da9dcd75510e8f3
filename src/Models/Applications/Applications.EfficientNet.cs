using Pipeline.Models.Initializers;
using Pipeline.Models.Layers;

namespace Pipeline.Models;

public static partial class Applications
{
    /// <summary>Where Keras 3 publishes the EfficientNet weights (a different bucket path than <see cref="WeightsBaseUrl"/>).</summary>
    const string EfficientNetWeightsUrl = "https://storage.googleapis.com/keras-applications/";

    /// <summary>Keras's MD5 of each variant's file, (with top, without top), from Keras 3's <c>efficientnet.py</c>.</summary>
    static readonly Dictionary<string, (string Top, string NoTop)> EfficientNetHashes = new(StringComparer.Ordinal)
    {
        ["b0"] = ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
        ["b1"] = ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
        ["b2"] = ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
        ["b3"] = ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
        ["b4"] = ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
        ["b5"] = ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
        ["b6"] = ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
        ["b7"] = ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
    };

    /// <summary>ImageNet's per-channel (RGB) standard deviations, which EfficientNet's stem divides by a second time.</summary>
    static readonly double[] ImageNetStdRgb = [0.229, 0.224, 0.225];

    /// <summary>The seven stages of EfficientNet-B0 before scaling: kernel, repeats, filters in and out, expansion, stride.</summary>
    static readonly (int Kernel, int Repeats, int FiltersIn, int FiltersOut, int Expansion, int Stride)[] EfficientNetStages =
    [
        (3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
        (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1),
    ];

    /// <summary>Keras's CONV_KERNEL_INITIALIZER: VarianceScaling(2.0, fan_out, truncated_normal), a fresh instance per layer.</summary>
    static Initializer EfficientNetConvInitializer() => new VarianceScaling(2.0, "fan_out", "truncated_normal");

    /// <summary>
    /// <c>keras.applications.EfficientNetB0</c> (Tan and Le, 2019): the baseline EfficientNet at 224x224, 5,330,571
    /// parameters with the top (4,049,571 without), built as Keras 3 builds it: a stem that rescales 0-255 pixels and
    /// normalises them (<c>rescaling</c>, <c>normalization</c>, with ImageNet weights a second per-channel <c>rescaling_1</c>),
    /// <c>stem_conv</c>, then 16 mobile inverted bottleneck blocks with squeeze-and-excitation and swish
    /// (<c>block1a_dwconv</c> ... <c>block7a_project_bn</c>), <c>top_conv</c>, <c>top_bn</c>, <c>top_activation</c>,
    /// and with the top <c>avg_pool</c>, <c>top_dropout</c>, <c>predictions</c>. The model takes raw 0-255 pixels:
    /// there is nothing to preprocess.
    /// </summary>
    /// <param name="includeTop">Whether to add <c>avg_pool</c>, <c>top_dropout</c> and the dense <c>predictions</c> layer.</param>
    /// <param name="weights">"imagenet" (Keras's <c>efficientnetb0.h5</c> or <c>efficientnetb0_notop.h5</c>, MD5-checked),
    /// null (random) or a weights file, loaded in layer order as Keras loads it.</param>
    /// <param name="inputTensor">A symbolic tensor to build the model on.</param>
    /// <param name="inputShape">(height, width, channels), at least 32x32; (224, 224, 3) when null.</param>
    /// <param name="pooling">With no top: null, "avg" or "max".</param>
    /// <param name="classes">Classes of the top (1000 with ImageNet weights).</param>
    /// <param name="classifierActivation">The top's activation; "softmax" or null with pretrained weights.</param>
    /// <param name="name">The model's name.</param>
    /// <param name="dropoutRate">The dropout before the classifier; null is the variant's (0.2 for B0). Keras's
    /// <c>EfficientNet</c> builder argument, which its <c>EfficientNetB0</c> does not pass on.</param>
    /// <param name="dropConnectRate">The largest drop-connect (stochastic depth) rate, reached by the last block; Keras's 0.2.</param>
    /// <returns>The functional model.</returns>
    /// <exception cref="ArgumentException">An argument Keras would reject, with Keras's message.</exception>
    public static Model EfficientNetB0(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb0",
        double? dropoutRate = null, double dropConnectRate = 0.2) =>
        EfficientNet(1.0, 1.0, 224, dropoutRate ?? 0.2, dropConnectRate, "b0", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary><c>keras.applications.EfficientNetB1</c>: <see cref="EfficientNetB0"/> 1.1 times deeper, at 240x240; 7,856,239 parameters with the top.</summary>
    /// <inheritdoc cref="EfficientNetB0" path="/param"/>
    /// <returns>The functional model.</returns>
    public static Model EfficientNetB1(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb1",
        double? dropoutRate = null, double dropConnectRate = 0.2) =>
        EfficientNet(1.0, 1.1, 240, dropoutRate ?? 0.2, dropConnectRate, "b1", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary><c>keras.applications.EfficientNetB2</c>: width 1.1, depth 1.2, 260x260, dropout 0.3; 9,177,569 parameters with the top.</summary>
    /// <inheritdoc cref="EfficientNetB0" path="/param"/>
    /// <returns>The functional model.</returns>
    public static Model EfficientNetB2(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb2",
        double? dropoutRate = null, double dropConnectRate = 0.2) =>
        EfficientNet(1.1, 1.2, 260, dropoutRate ?? 0.3, dropConnectRate, "b2", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary><c>keras.applications.EfficientNetB3</c>: width 1.2, depth 1.4, 300x300, dropout 0.3; 12,320,535 parameters with the top.</summary>
    /// <inheritdoc cref="EfficientNetB0" path="/param"/>
    /// <returns>The functional model.</returns>
    public static Model EfficientNetB3(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb3",
        double? dropoutRate = null, double dropConnectRate = 0.2) =>
        EfficientNet(1.2, 1.4, 300, dropoutRate ?? 0.3, dropConnectRate, "b3", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary><c>keras.applications.EfficientNetB4</c>: width 1.4, depth 1.8, 380x380, dropout 0.4; 19,466,823 parameters with the top.</summary>
    /// <inheritdoc cref="EfficientNetB0" path="/param"/>
    /// <returns>The functional model.</returns>
    public static Model EfficientNetB4(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb4",
        double? dropoutRate = null, double dropConnectRate = 0.2) =>
        EfficientNet(1.4, 1.8, 380, dropoutRate ?? 0.4, dropConnectRate, "b4", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary><c>keras.applications.EfficientNetB5</c>: width 1.6, depth 2.2, 456x456, dropout 0.4; 30,562,527 parameters with the top.</summary>
    /// <inheritdoc cref="EfficientNetB0" path="/param"/>
    /// <returns>The functional model.</returns>
    public static Model EfficientNetB5(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb5",
        double? dropoutRate = null, double dropConnectRate = 0.2) =>
        EfficientNet(1.6, 2.2, 456, dropoutRate ?? 0.4, dropConnectRate, "b5", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary><c>keras.applications.EfficientNetB6</c>: width 1.8, depth 2.6, 528x528, dropout 0.5; 43,265,143 parameters with the top.</summary>
    /// <inheritdoc cref="EfficientNetB0" path="/param"/>
    /// <returns>The functional model.</returns>
    public static Model EfficientNetB6(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb6",
        double? dropoutRate = null, double dropConnectRate = 0.2) =>
        EfficientNet(1.8, 2.6, 528, dropoutRate ?? 0.5, dropConnectRate, "b6", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary><c>keras.applications.EfficientNetB7</c>: width 2.0, depth 3.1, 600x600, dropout 0.5; 66,658,687 parameters with the top.</summary>
    /// <inheritdoc cref="EfficientNetB0" path="/param"/>
    /// <returns>The functional model.</returns>
    public static Model EfficientNetB7(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb7",
        double? dropoutRate = null, double dropConnectRate = 0.2) =>
        EfficientNet(2.0, 3.1, 600, dropoutRate ?? 0.5, dropConnectRate, "b7", includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name);

    /// <summary>Keras's <c>EfficientNet</c> builder: B0's stages scaled by a width and a depth coefficient.</summary>
    static Model EfficientNet(double widthCoefficient, double depthCoefficient, int defaultSize, double dropoutRate, double dropConnectRate, string variant,
        bool includeTop, string? weights, KerasTensor? inputTensor, int[]? inputShape, string? pooling, int classes, string? classifierActivation, string name)
    {
        ValidateWeights(weights, includeTop, classes);
        ValidatePooling(pooling);
        if (!(dropoutRate >= 0 && dropoutRate < 1)) throw new ArgumentOutOfRangeException(nameof(dropoutRate), dropoutRate, "dropoutRate must be in [0, 1).");
        if (!(dropConnectRate >= 0 && dropConnectRate < 1)) throw new ArgumentOutOfRangeException(nameof(dropConnectRate), dropConnectRate, "dropConnectRate must be in [0, 1).");
        var shape = ObtainInputShape(inputShape ?? (inputTensor is null ? null : [.. inputTensor.Shape]), defaultSize, minSize: 32, requireFlatten: includeTop, weights);
        var imageInput = ImageInput(inputTensor, shape);

        // Keras's round_filters is MobileNetV2's _make_divisible on the scaled count; round_repeats rounds depth up.
        int Filters(int filters) => MakeDivisible(filters * widthCoefficient, 8);
        int Repeats(int repeats) => (int)Math.Ceiling(depthCoefficient * repeats);

        // The stem: 0-255 pixels to [0, 1], then the Normalization whose ImageNet mean and variance come with the
        // weights. Keras 3 divides once more by sqrt(std) with ImageNet weights only: the original network divided by
        // the variance, Normalization divides by its square root (tensorflow/tensorflow#49930).
        var x = new Rescaling(1.0 / 255.0).Apply(imageInput);
        x = new Normalization(axis: 3).Apply(x);
        if (weights == "imagenet") x = new Rescaling([.. ImageNetStdRgb.Select(s => 1.0 / Math.Sqrt(s))]).Apply(x);
        x = new ZeroPadding2D(CorrectPad(x, 3), name: "stem_conv_pad").Apply(x);
        x = new Conv2D(Filters(32), 3, strides: 2, padding: "valid", useBias: false, kernelInitializer: EfficientNetConvInitializer(), name: "stem_conv").Apply(x);
        x = new BatchNormalization(name: "stem_bn").Apply(x);
        x = new Activation("swish", name: "stem_activation").Apply(x);

        // The blocks: the drop-connect rate grows linearly with the block's index, from 0 to (nearly) dropConnectRate.
        double blocks = EfficientNetStages.Sum(s => Repeats(s.Repeats));
        int b = 0;
        for (int i = 0; i < EfficientNetStages.Length; i++)
        {
            var stage = EfficientNetStages[i];
            int filtersIn = Filters(stage.FiltersIn), filtersOut = Filters(stage.FiltersOut);
            for (int j = 0; j < Repeats(stage.Repeats); j++)
            {
                // The first block of a stage changes stride and width; the others keep them.
                x = EfficientNetBlock(x, dropConnectRate * b / blocks, $"block{i + 1}{(char)('a' + j)}_", j == 0 ? filtersIn : filtersOut, filtersOut,
                    stage.Kernel, j == 0 ? stage.Stride : 1, stage.Expansion, seRatio: 0.25);
                b++;
            }
        }

        x = new Conv2D(Filters(1280), 1, padding: "same", useBias: false, kernelInitializer: EfficientNetConvInitializer(), name: "top_conv").Apply(x);
        x = new BatchNormalization(name: "top_bn").Apply(x);
        x = new Activation("swish", name: "top_activation").Apply(x);
        if (includeTop)
        {
            x = new GlobalAveragePooling2D(name: "avg_pool").Apply(x);
            if (dropoutRate > 0) x = new Dropout(dropoutRate, name: "top_dropout").Apply(x);
            ValidateClassifierActivation(classifierActivation, weights);
            // Keras's DENSE_KERNEL_INITIALIZER.
            x = new Dense(classes, activation: classifierActivation, kernelInitializer: new VarianceScaling(1.0 / 3.0, "fan_out", "uniform"), name: "predictions").Apply(x);
        }
        else
            x = Pool(x, pooling, "avg_pool", "max_pool");

        var model = Functional(inputTensor, imageInput, x, name);
        // Keras names the file after the model's name argument; here after the variant, so a renamed model still
        // finds Keras's file. Keras loads it in layer order (its Normalization has an automatic name).
        var file = $"efficientnet{variant}{(includeTop ? ".h5" : "_notop.h5")}";
        var hashes = EfficientNetHashes[variant];
        LoadWeights(model, weights, file, EfficientNetWeightsUrl + file, includeTop ? hashes.Top : hashes.NoTop, byName: false);
        return model;
    }

    /// <summary>Keras's EfficientNet <c>block</c>: expansion, depthwise convolution, squeeze-and-excitation, projection, and the residual with drop-connect.</summary>
    static KerasTensor EfficientNetBlock(KerasTensor inputs, double dropRate, string name, int filtersIn, int filtersOut, int kernelSize, int strides,
        int expandRatio, double seRatio)
    {
        int filters = filtersIn * expandRatio;
        var x = inputs;
        if (expandRatio != 1)
        {
            x = new Conv2D(filters, 1, padding: "same", useBias: false, kernelInitializer: EfficientNetConvInitializer(), name: $"{name}expand_conv").Apply(x);
            x = new BatchNormalization(name: $"{name}expand_bn").Apply(x);
            x = new Activation("swish", name: $"{name}expand_activation").Apply(x);
        }
        string padding = "same";
        if (strides == 2)
        {
            x = new ZeroPadding2D(CorrectPad(x, kernelSize), name: $"{name}dwconv_pad").Apply(x);
            padding = "valid";
        }
        x = new DepthwiseConv2D(kernelSize, strides: strides, padding: padding, useBias: false, depthwiseInitializer: EfficientNetConvInitializer(), name: $"{name}dwconv").Apply(x);
        x = new BatchNormalization(name: $"{name}bn").Apply(x);
        x = new Activation("swish", name: $"{name}activation").Apply(x);

        if (seRatio > 0 && seRatio <= 1)
        {
            int filtersSe = Math.Max(1, (int)(filtersIn * seRatio));
            var se = new GlobalAveragePooling2D(name: $"{name}se_squeeze").Apply(x);
            se = new Reshape([1, 1, filters], name: $"{name}se_reshape").Apply(se);
            se = new Conv2D(filtersSe, 1, padding: "same", activation: "swish", kernelInitializer: EfficientNetConvInitializer(), name: $"{name}se_reduce").Apply(se);
            se = new Conv2D(filters, 1, padding: "same", activation: "sigmoid", kernelInitializer: EfficientNetConvInitializer(), name: $"{name}se_expand").Apply(se);
            x = new Multiply(name: $"{name}se_excite").Apply([x, se]);
        }

        x = new Conv2D(filtersOut, 1, padding: "same", useBias: false, kernelInitializer: EfficientNetConvInitializer(), name: $"{name}project_conv").Apply(x);
        x = new BatchNormalization(name: $"{name}project_bn").Apply(x);
        if (strides == 1 && filtersIn == filtersOut)
        {
            // Drop-connect: a whole sample's residual branch dropped at once (one draw per sample).
            if (dropRate > 0) x = new Dropout(dropRate, noiseShape: [null, 1, 1, 1], name: $"{name}drop").Apply(x);
            x = new Add(name: $"{name}add").Apply([x, inputs]);
        }
        return x;
    }
}
