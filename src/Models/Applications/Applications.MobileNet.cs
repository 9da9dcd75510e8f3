using System.Globalization;
using Pipeline.Models.Layers;

namespace Pipeline.Models;

public static partial class Applications
{
    /// <summary>
    /// <c>keras.applications.MobileNet</c>: MobileNet v1 (Howard et al., 2017), 4,253,864 parameters at
    /// <c>alpha</c> 1.0 with the top. Layers are named as Keras names them (<c>conv1</c>, <c>conv1_bn</c>,
    /// <c>conv1_relu</c>, <c>conv_pad_N</c>, <c>conv_dw_N</c>, <c>conv_dw_N_bn</c>, <c>conv_dw_N_relu</c>,
    /// <c>conv_pw_N</c>, ..., <c>conv_preds</c>, <c>predictions</c>): convolutions without bias, batch normalisation with
    /// epsilon 1e-3, ReLU capped at 6, and a <c>ZeroPadding2D(((0, 1), (0, 1)))</c> before each stride-2 depthwise
    /// convolution (TensorFlow's "same" padding for stride 2 on an even size pads the same way, which is why Keras 2.0
    /// files, which have no padding layers, load and compute the same). Preprocess with
    /// <see cref="PreprocessInput"/> mode "tf" (<c>x / 127.5 - 1</c>).
    /// </summary>
    /// <param name="inputShape">(height, width, channels); (224, 224, 3) when null. With the top and ImageNet weights
    /// it must be (224, 224, 3) or one of the published square sizes 128, 160, 192.</param>
    /// <param name="alpha">Width multiplier: every layer has <c>int(filters * alpha)</c> filters. ImageNet weights exist
    /// for 0.25, 0.5, 0.75 and 1.0.</param>
    /// <param name="depthMultiplier">Depthwise channel multiplier (1 for ImageNet weights).</param>
    /// <param name="dropout">Dropout rate before the classifier.</param>
    /// <param name="includeTop">Whether to add the classifier (global pooling, dropout, 1x1 conv, activation).</param>
    /// <param name="weights">"imagenet" (downloads Keras's <c>mobilenet_{alpha}_{size}_tf[_no_top].h5</c>; Keras
    /// publishes no hash for MobileNet v1, so the file is not verified), null (random), or a weights file loaded by
    /// layer name.</param>
    /// <param name="inputTensor">A symbolic tensor to build the model on (its source inputs become the model's inputs).</param>
    /// <param name="pooling">With no top: null (4-D feature map), "avg" or "max" (global pooling to a vector).</param>
    /// <param name="classes">Classes of the top (1000 with ImageNet weights).</param>
    /// <param name="classifierActivation">The top's activation; "softmax" or null (logits) with pretrained weights.</param>
    /// <param name="name">The model's name; <c>mobilenet_{alpha:0.00}_{rows}</c> when null.</param>
    /// <returns>The functional model.</returns>
    /// <exception cref="ArgumentException">An argument Keras would reject, with Keras's message.</exception>
    public static Model MobileNet(int[]? inputShape = null, double alpha = 1.0, int depthMultiplier = 1, double dropout = 1e-3, bool includeTop = true,
        string? weights = "imagenet", KerasTensor? inputTensor = null, string? pooling = null, int classes = 1000, string? classifierActivation = "softmax",
        string? name = null)
    {
        ValidateWeights(weights, includeTop, classes);
        ValidatePooling(pooling);
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be positive.");
        if (depthMultiplier < 1) throw new ArgumentOutOfRangeException(nameof(depthMultiplier), depthMultiplier, "depthMultiplier must be >= 1.");
        inputShape ??= inputTensor is null ? null : [.. inputTensor.Shape];
        int defaultSize = inputShape is { Length: >= 2 } s && s[0] == s[1] && s[0] is 128 or 160 or 192 or 224 ? s[0] : 224;
        var shape = ObtainInputShape(inputShape, defaultSize, minSize: 32, requireFlatten: includeTop, weights);
        int rows = shape[0];
        if (weights == "imagenet")
        {
            if (depthMultiplier != 1)
                throw new ArgumentException($"If imagenet weights are being loaded, depth multiplier must be 1.  Received depthMultiplier={depthMultiplier}", nameof(depthMultiplier));
            if (alpha is not (0.25 or 0.5 or 0.75 or 1.0))
                throw new ArgumentException($"If imagenet weights are being loaded, alpha can be one of `0.25`, `0.50`, `0.75` or `1.0` only.  Received alpha={alpha}", nameof(alpha));
            if (shape[0] != shape[1] || rows is not (128 or 160 or 192 or 224))
            {
                // Keras warns and loads the 224 weights: they fit any size, since MobileNet has no size-dependent weights.
                Runtime.TorchRuntime.Log("`inputShape` is undefined or non-square, or `rows` is not in [128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded as the default.");
                rows = 224;
            }
        }

        var imageInput = ImageInput(inputTensor, shape);
        var x = MobileNetConvBlock(imageInput, 32, alpha, strides: 2);
        x = MobileNetDepthwiseBlock(x, 64, alpha, depthMultiplier, 1, 1);
        x = MobileNetDepthwiseBlock(x, 128, alpha, depthMultiplier, 2, 2);
        x = MobileNetDepthwiseBlock(x, 128, alpha, depthMultiplier, 1, 3);
        x = MobileNetDepthwiseBlock(x, 256, alpha, depthMultiplier, 2, 4);
        x = MobileNetDepthwiseBlock(x, 256, alpha, depthMultiplier, 1, 5);
        x = MobileNetDepthwiseBlock(x, 512, alpha, depthMultiplier, 2, 6);
        for (int block = 7; block <= 11; block++) x = MobileNetDepthwiseBlock(x, 512, alpha, depthMultiplier, 1, block);
        x = MobileNetDepthwiseBlock(x, 1024, alpha, depthMultiplier, 2, 12);
        x = MobileNetDepthwiseBlock(x, 1024, alpha, depthMultiplier, 1, 13);

        if (includeTop)
        {
            x = new GlobalAveragePooling2D(keepdims: true).Apply(x);
            x = new Dropout(dropout, name: "dropout").Apply(x);
            x = new Conv2D(classes, 1, padding: "same", name: "conv_preds").Apply(x);
            x = new Reshape([classes], name: "reshape_2").Apply(x);
            ValidateClassifierActivation(classifierActivation, weights);
            x = new Activation(classifierActivation ?? "linear", name: "predictions").Apply(x);
        }
        else
            x = Pool(x, pooling);

        var model = Functional(inputTensor, imageInput, x, name ?? string.Create(CultureInfo.InvariantCulture, $"mobilenet_{alpha:0.00}_{rows}"));
        if (weights is not null)
        {
            var alphaText = alpha switch { 1.0 => "1_0", 0.75 => "7_5", 0.5 => "5_0", _ => "2_5" };
            var file = $"mobilenet_{alphaText}_{rows}_tf{(includeTop ? "" : "_no_top")}.h5";
            LoadWeights(model, weights, file, WeightsBaseUrl + "mobilenet/" + file, fileHash: null);
        }
        return model;
    }

    static KerasTensor MobileNetConvBlock(KerasTensor inputs, int filters, double alpha, int strides)
    {
        var x = new Conv2D((int)(filters * alpha), 3, strides: strides, padding: "same", useBias: false, name: "conv1").Apply(inputs);
        x = new BatchNormalization(name: "conv1_bn").Apply(x);
        return new ReLU(6.0, name: "conv1_relu").Apply(x);
    }

    static KerasTensor MobileNetDepthwiseBlock(KerasTensor inputs, int pointwiseFilters, double alpha, int depthMultiplier, int strides, int blockId)
    {
        var x = strides == 1 ? inputs : new ZeroPadding2D(((0, 1), (0, 1)), name: $"conv_pad_{blockId}").Apply(inputs);
        x = new DepthwiseConv2D(3, strides: strides, padding: strides == 1 ? "same" : "valid", depthMultiplier: depthMultiplier, useBias: false,
            name: $"conv_dw_{blockId}").Apply(x);
        x = new BatchNormalization(name: $"conv_dw_{blockId}_bn").Apply(x);
        x = new ReLU(6.0, name: $"conv_dw_{blockId}_relu").Apply(x);
        x = new Conv2D((int)(pointwiseFilters * alpha), 1, padding: "same", useBias: false, name: $"conv_pw_{blockId}").Apply(x);
        x = new BatchNormalization(name: $"conv_pw_{blockId}_bn").Apply(x);
        return new ReLU(6.0, name: $"conv_pw_{blockId}_relu").Apply(x);
    }
}
