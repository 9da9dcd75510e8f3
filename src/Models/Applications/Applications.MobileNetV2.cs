using System.Globalization;
using Pipeline.Models.Layers;

namespace Pipeline.Models;

public static partial class Applications
{
    /// <summary>
    /// <c>keras.applications.MobileNetV2</c> (Sandler et al., 2018): inverted residual blocks with linear bottlenecks,
    /// named as Keras names them (<c>Conv1</c>, <c>bn_Conv1</c>, <c>expanded_conv_depthwise</c>, <c>block_1_expand</c>
    /// ... <c>block_16_project_BN</c>, <c>Conv_1</c>, <c>out_relu</c>), batch normalisation with epsilon 1e-3 and
    /// momentum 0.999, ReLU capped at 6: 3,538,984 parameters at <c>alpha</c> 1.0 with the top. Preprocess with
    /// <see cref="PreprocessInput"/> mode "tf".
    /// </summary>
    /// <param name="inputShape">(height, width, channels), at least 32x32; (224, 224, 3) when null.</param>
    /// <param name="alpha">Width multiplier (ImageNet weights exist for 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4).</param>
    /// <param name="includeTop">Whether to add global pooling and the dense <c>predictions</c> layer.</param>
    /// <param name="weights">"imagenet" (Keras's file; Keras publishes no hash for it, so it is not verified), null
    /// (random) or a weights file loaded by layer name.</param>
    /// <param name="inputTensor">A symbolic tensor to build the model on.</param>
    /// <param name="pooling">With no top: null, "avg" or "max".</param>
    /// <param name="classes">Classes of the top (1000 with ImageNet weights).</param>
    /// <param name="classifierActivation">The top's activation; "softmax" or null with pretrained weights.</param>
    /// <param name="name">The model's name; <c>mobilenetv2_{alpha:0.00}_{rows}</c> when null.</param>
    /// <returns>The functional model.</returns>
    /// <exception cref="ArgumentException">An argument Keras would reject, with Keras's message.</exception>
    public static Model MobileNetV2(int[]? inputShape = null, double alpha = 1.0, bool includeTop = true, string? weights = "imagenet",
        KerasTensor? inputTensor = null, string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string? name = null)
    {
        ValidateWeights(weights, includeTop, classes);
        ValidatePooling(pooling);
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be positive.");
        inputShape ??= inputTensor is null ? null : [.. inputTensor.Shape];
        int defaultSize = inputShape is { Length: >= 2 } s && s[0] == s[1] && s[0] is 96 or 128 or 160 or 192 or 224 ? s[0] : 224;
        var shape = ObtainInputShape(inputShape, defaultSize, minSize: 32, requireFlatten: includeTop, weights);
        int rows = shape[0];
        if (weights == "imagenet")
        {
            if (alpha is not (0.35 or 0.5 or 0.75 or 1.0 or 1.3 or 1.4))
                throw new ArgumentException($"If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only. Received `alpha={alpha}`", nameof(alpha));
            if (shape[0] != shape[1] || rows is not (96 or 128 or 160 or 192 or 224))
            {
                Runtime.TorchRuntime.Log("`inputShape` is undefined or non-square, or `rows` is not in [96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded as the default.");
                rows = 224;
            }
        }
        var imageInput = ImageInput(inputTensor, shape);
        var x = new Conv2D(MakeDivisible(32 * alpha, 8), 3, strides: 2, padding: "same", useBias: false, name: "Conv1").Apply(imageInput);
        x = new BatchNormalization(momentum: 0.999, epsilon: 1e-3, name: "bn_Conv1").Apply(x);
        x = new ReLU(6.0, name: "Conv1_relu").Apply(x);
        (int Filters, int Stride, int Expansion)[] blocks =
        [
            (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6),
            (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6),
        ];
        for (int id = 0; id < blocks.Length; id++) x = InvertedResidualBlock(x, blocks[id].Expansion, blocks[id].Stride, alpha, blocks[id].Filters, id);
        x = new Conv2D(alpha > 1.0 ? MakeDivisible(1280 * alpha, 8) : 1280, 1, useBias: false, name: "Conv_1").Apply(x);
        x = new BatchNormalization(momentum: 0.999, epsilon: 1e-3, name: "Conv_1_bn").Apply(x);
        x = new ReLU(6.0, name: "out_relu").Apply(x);
        if (includeTop)
        {
            x = new GlobalAveragePooling2D().Apply(x);
            ValidateClassifierActivation(classifierActivation, weights);
            x = new Dense(classes, activation: classifierActivation, name: "predictions").Apply(x);
        }
        else
            x = Pool(x, pooling);
        var model = Functional(inputTensor, imageInput, x, name ?? string.Create(CultureInfo.InvariantCulture, $"mobilenetv2_{alpha:0.00}_{rows}"));
        // Python's str(float(alpha)): 1.0, 0.35, 0.5, ...
        var alphaText = alpha == Math.Floor(alpha) ? alpha.ToString("0.0", CultureInfo.InvariantCulture) : alpha.ToString("R", CultureInfo.InvariantCulture);
        var file = $"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{alphaText}_{rows}{(includeTop ? "" : "_no_top")}.h5";
        LoadWeights(model, weights, file, WeightsBaseUrl + "mobilenet_v2/" + file, fileHash: null);
        return model;
    }

    /// <summary>Keras's <c>_make_divisible</c>: rounds a channel count to a multiple of <paramref name="divisor"/>, never below 90% of it.</summary>
    static int MakeDivisible(double value, int divisor)
    {
        int rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }

    /// <summary>Keras's <c>correct_pad</c> for a stride-2 k x k convolution: one row/column less at the top/left on even sizes.</summary>
    static ((int, int), (int, int)) CorrectPad(KerasTensor x, int kernel)
    {
        int half = kernel / 2;
        int adjustRows = 1 - x.Shape[0] % 2, adjustColumns = 1 - x.Shape[1] % 2;
        return ((half - adjustRows, half), (half - adjustColumns, half));
    }

    static KerasTensor InvertedResidualBlock(KerasTensor inputs, int expansion, int stride, double alpha, int filters, int blockId)
    {
        int inChannels = inputs.Shape[^1];
        int pointwiseFilters = MakeDivisible((int)(filters * alpha), 8);
        var x = inputs;
        var prefix = $"block_{blockId}_";
        if (blockId > 0)
        {
            x = new Conv2D(expansion * inChannels, 1, padding: "same", useBias: false, name: $"{prefix}expand").Apply(x);
            x = new BatchNormalization(momentum: 0.999, epsilon: 1e-3, name: $"{prefix}expand_BN").Apply(x);
            x = new ReLU(6.0, name: $"{prefix}expand_relu").Apply(x);
        }
        else
            prefix = "expanded_conv_";
        if (stride == 2) x = new ZeroPadding2D(CorrectPad(x, 3), name: $"{prefix}pad").Apply(x);
        x = new DepthwiseConv2D(3, strides: stride, padding: stride == 1 ? "same" : "valid", useBias: false, name: $"{prefix}depthwise").Apply(x);
        x = new BatchNormalization(momentum: 0.999, epsilon: 1e-3, name: $"{prefix}depthwise_BN").Apply(x);
        x = new ReLU(6.0, name: $"{prefix}depthwise_relu").Apply(x);
        x = new Conv2D(pointwiseFilters, 1, padding: "same", useBias: false, name: $"{prefix}project").Apply(x);
        x = new BatchNormalization(momentum: 0.999, epsilon: 1e-3, name: $"{prefix}project_BN").Apply(x);
        return inChannels == pointwiseFilters && stride == 1 ? new Add(name: $"{prefix}add").Apply([inputs, x]) : x;
    }
}
