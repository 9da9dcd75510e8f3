using Pipeline.Models.Layers;

namespace Pipeline.Models;

public static partial class Applications
{
    /// <summary>
    /// <c>keras.applications.VGG16</c> (Simonyan and Zisserman, 2014): five blocks of 3x3 convolutions with ReLU and
    /// max pooling (<c>block1_conv1</c> ... <c>block5_pool</c>), then, with the top, <c>flatten</c>, <c>fc1</c>,
    /// <c>fc2</c> (4096 units each) and <c>predictions</c>: 138,357,544 parameters with the top, 14,714,688 without.
    /// Preprocess with <see cref="PreprocessInput"/> mode "caffe".
    /// </summary>
    /// <param name="includeTop">Whether to add the three dense layers (the input must then be 224x224).</param>
    /// <param name="weights">"imagenet" (Keras's file, MD5-checked), null (random) or a weights file loaded by layer name.</param>
    /// <param name="inputTensor">A symbolic tensor to build the model on.</param>
    /// <param name="inputShape">(height, width, channels), at least 32x32; (224, 224, 3) when null.</param>
    /// <param name="pooling">With no top: null, "avg" or "max".</param>
    /// <param name="classes">Classes of the top (1000 with ImageNet weights).</param>
    /// <param name="classifierActivation">The top's activation; "softmax" or null with pretrained weights.</param>
    /// <param name="name">The model's name.</param>
    /// <returns>The functional model.</returns>
    /// <exception cref="ArgumentException">An argument Keras would reject, with Keras's message.</exception>
    public static Model VGG16(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "vgg16")
    {
        ValidateWeights(weights, includeTop, classes);
        ValidatePooling(pooling);
        var shape = ObtainInputShape(inputShape ?? (inputTensor is null ? null : [.. inputTensor.Shape]), 224, minSize: 32, requireFlatten: includeTop, weights);
        var imageInput = ImageInput(inputTensor, shape);
        var x = imageInput;
        int[][] blocks = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
        for (int b = 0; b < blocks.Length; b++)
        {
            for (int c = 0; c < blocks[b].Length; c++)
                x = new Conv2D(blocks[b][c], 3, padding: "same", activation: "relu", name: $"block{b + 1}_conv{c + 1}").Apply(x);
            x = new MaxPooling2D(2, strides: 2, name: $"block{b + 1}_pool").Apply(x);
        }
        if (includeTop)
        {
            x = new Flatten(name: "flatten").Apply(x);
            x = new Dense(4096, activation: "relu", name: "fc1").Apply(x);
            x = new Dense(4096, activation: "relu", name: "fc2").Apply(x);
            ValidateClassifierActivation(classifierActivation, weights);
            x = new Dense(classes, activation: classifierActivation, name: "predictions").Apply(x);
        }
        else
            x = Pool(x, pooling);
        var model = Functional(inputTensor, imageInput, x, name);
        var file = includeTop ? "vgg16_weights_tf_dim_ordering_tf_kernels.h5" : "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5";
        LoadWeights(model, weights, file, WeightsBaseUrl + "vgg16/" + file,
            includeTop ? "64373286793e3c8b2b4e3219cbf3544b" : "6d6bbae143d832006294945121d1f1fc");
        return model;
    }
}
