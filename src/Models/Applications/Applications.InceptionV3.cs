using Pipeline.Models.Layers;

namespace Pipeline.Models;

public static partial class Applications
{
    /// <summary>
    /// <c>keras.applications.InceptionV3</c> (Szegedy et al., 2015): a stem, then the inception modules Keras names
    /// <c>mixed0</c> ... <c>mixed10</c>; every convolution is a bias-free Conv2D, a BatchNormalization without scale
    /// and a ReLU, named automatically as in Keras. 23,851,784 parameters with the top, 21,802,784 without. Default
    /// input 299x299 (at least 75x75). Preprocess with <see cref="PreprocessInput"/> mode "tf". ImageNet weights load
    /// in layer order, as Keras loads them (the layers have no Keras names to match).
    /// </summary>
    /// <param name="includeTop">Whether to add <c>avg_pool</c> and the dense <c>predictions</c> layer.</param>
    /// <param name="weights">"imagenet" (Keras's file, MD5-checked), null (random) or a Keras weights file of the same architecture.</param>
    /// <param name="inputTensor">A symbolic tensor to build the model on.</param>
    /// <param name="inputShape">(height, width, channels), at least 75x75; (299, 299, 3) when null.</param>
    /// <param name="pooling">With no top: null, "avg" or "max".</param>
    /// <param name="classes">Classes of the top (1000 with ImageNet weights).</param>
    /// <param name="classifierActivation">The top's activation; "softmax" or null with pretrained weights.</param>
    /// <param name="name">The model's name.</param>
    /// <returns>The functional model.</returns>
    /// <exception cref="ArgumentException">An argument Keras would reject, with Keras's message.</exception>
    public static Model InceptionV3(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "inception_v3")
    {
        ValidateWeights(weights, includeTop, classes);
        ValidatePooling(pooling);
        var shape = ObtainInputShape(inputShape ?? (inputTensor is null ? null : [.. inputTensor.Shape]), 299, minSize: 75, requireFlatten: includeTop, weights);
        var imageInput = ImageInput(inputTensor, shape);

        var x = ConvBn(imageInput, 32, 3, 3, strides: 2, padding: "valid");
        x = ConvBn(x, 32, 3, 3, padding: "valid");
        x = ConvBn(x, 64, 3, 3);
        x = new MaxPooling2D(3, strides: 2).Apply(x);
        x = ConvBn(x, 80, 1, 1, padding: "valid");
        x = ConvBn(x, 192, 3, 3, padding: "valid");
        x = new MaxPooling2D(3, strides: 2).Apply(x);

        // mixed 0, 1, 2: 35 x 35 x 256 / 288
        foreach (var (poolFilters, mixed) in new[] { (32, "mixed0"), (64, "mixed1"), (64, "mixed2") })
        {
            var b1 = ConvBn(x, 64, 1, 1);
            var b5 = ConvBn(ConvBn(x, 48, 1, 1), 64, 5, 5);
            var b3 = ConvBn(ConvBn(ConvBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
            var bp = ConvBn(AveragePool3x3(x), poolFilters, 1, 1);
            x = new Concatenate(name: mixed).Apply([b1, b5, b3, bp]);
        }

        // mixed 3: 17 x 17 x 768
        {
            var b3 = ConvBn(x, 384, 3, 3, strides: 2, padding: "valid");
            var bd = ConvBn(ConvBn(ConvBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides: 2, padding: "valid");
            var bp = new MaxPooling2D(3, strides: 2).Apply(x);
            x = new Concatenate(name: "mixed3").Apply([b3, bd, bp]);
        }

        // mixed 4, 5, 6, 7: 17 x 17 x 768
        foreach (var (width, mixed) in new[] { (128, "mixed4"), (160, "mixed5"), (160, "mixed6"), (192, "mixed7") })
        {
            var b1 = ConvBn(x, 192, 1, 1);
            var b7 = ConvBn(ConvBn(ConvBn(x, width, 1, 1), width, 1, 7), 192, 7, 1);
            var bd = ConvBn(x, width, 1, 1);
            bd = ConvBn(bd, width, 7, 1);
            bd = ConvBn(bd, width, 1, 7);
            bd = ConvBn(bd, width, 7, 1);
            bd = ConvBn(bd, 192, 1, 7);
            var bp = ConvBn(AveragePool3x3(x), 192, 1, 1);
            x = new Concatenate(name: mixed).Apply([b1, b7, bd, bp]);
        }

        // mixed 8: 8 x 8 x 1280
        {
            var b3 = ConvBn(ConvBn(x, 192, 1, 1), 320, 3, 3, strides: 2, padding: "valid");
            var b7 = ConvBn(ConvBn(ConvBn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1);
            b7 = ConvBn(b7, 192, 3, 3, strides: 2, padding: "valid");
            var bp = new MaxPooling2D(3, strides: 2).Apply(x);
            x = new Concatenate(name: "mixed8").Apply([b3, b7, bp]);
        }

        // mixed 9, 10: 8 x 8 x 2048
        for (int i = 0; i < 2; i++)
        {
            var b1 = ConvBn(x, 320, 1, 1);
            var b3 = ConvBn(x, 384, 1, 1);
            b3 = new Concatenate(name: $"mixed9_{i}").Apply([ConvBn(b3, 384, 1, 3), ConvBn(b3, 384, 3, 1)]);
            var bd = ConvBn(ConvBn(x, 448, 1, 1), 384, 3, 3);
            bd = new Concatenate().Apply([ConvBn(bd, 384, 1, 3), ConvBn(bd, 384, 3, 1)]);
            var bp = ConvBn(AveragePool3x3(x), 192, 1, 1);
            x = new Concatenate(name: $"mixed{9 + i}").Apply([b1, b3, bd, bp]);
        }

        if (includeTop)
            x = Top(x, includeTop, pooling, classes, classifierActivation, weights);
        else
            x = Pool(x, pooling);
        var model = Functional(inputTensor, imageInput, x, name);
        var file = includeTop ? "inception_v3_weights_tf_dim_ordering_tf_kernels.h5" : "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5";
        LoadWeights(model, weights, file, WeightsBaseUrl + "inception_v3/" + file,
            includeTop ? "9a0d58056eeedaa3f26cb7ebd46da564" : "bcbd6486424b2319ff4ef7d526e38f63", byName: false);
        return model;
    }

    /// <summary>InceptionV3's <c>conv2d_bn</c>: a bias-free convolution, batch normalisation without scale, ReLU.</summary>
    static KerasTensor ConvBn(KerasTensor x, int filters, int rows, int cols, int strides = 1, string padding = "same")
    {
        x = new Conv2D(filters, (rows, cols), strides: (strides, strides), padding: padding, useBias: false).Apply(x);
        x = new BatchNormalization(scale: false).Apply(x);
        return new Activation("relu").Apply(x);
    }

    static KerasTensor AveragePool3x3(KerasTensor x) => new AveragePooling2D(3, strides: 1, padding: "same").Apply(x);
}
