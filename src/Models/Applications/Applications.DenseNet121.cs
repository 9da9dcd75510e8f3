using Pipeline.Models.Layers;

namespace Pipeline.Models;

public static partial class Applications
{
    /// <summary>
    /// <c>keras.applications.DenseNet121</c> (Huang et al., 2016): a 7x7 stem, four dense blocks of 6, 12, 24 and 16
    /// conv blocks (<c>conv2_block1_0_bn</c> ... <c>conv5_block16_concat</c>, growth rate 32) joined by transition
    /// blocks (<c>pool2</c> ... <c>pool4</c>), batch normalisation with epsilon 1.001e-5: 8,062,504 parameters with the
    /// top, 7,037,504 without. Preprocess with <see cref="PreprocessInput"/> mode "torch".
    /// </summary>
    /// <param name="includeTop">Whether to add <c>avg_pool</c> and the dense <c>predictions</c> layer.</param>
    /// <param name="weights">"imagenet" (Keras's file, MD5-checked), null (random) or a weights file loaded by layer name.</param>
    /// <param name="inputTensor">A symbolic tensor to build the model on.</param>
    /// <param name="inputShape">(height, width, channels), at least 32x32; (224, 224, 3) when null.</param>
    /// <param name="pooling">With no top: null, "avg" or "max".</param>
    /// <param name="classes">Classes of the top (1000 with ImageNet weights).</param>
    /// <param name="classifierActivation">The top's activation; "softmax" or null with pretrained weights.</param>
    /// <param name="name">The model's name.</param>
    /// <returns>The functional model.</returns>
    /// <exception cref="ArgumentException">An argument Keras would reject, with Keras's message.</exception>
    public static Model DenseNet121(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "densenet121")
    {
        ValidateWeights(weights, includeTop, classes);
        ValidatePooling(pooling);
        var shape = ObtainInputShape(inputShape ?? (inputTensor is null ? null : [.. inputTensor.Shape]), 224, minSize: 32, requireFlatten: includeTop, weights);
        var imageInput = ImageInput(inputTensor, shape);
        var x = new ZeroPadding2D(((3, 3), (3, 3))).Apply(imageInput);
        x = new Conv2D(64, 7, strides: 2, useBias: false, name: "conv1_conv").Apply(x);
        x = new BatchNormalization(epsilon: 1.001e-5, name: "conv1_bn").Apply(x);
        x = new Activation("relu", name: "conv1_relu").Apply(x);
        x = new ZeroPadding2D(((1, 1), (1, 1))).Apply(x);
        x = new MaxPooling2D(3, strides: 2, name: "pool1").Apply(x);
        int[] blocks = [6, 12, 24, 16];
        for (int stage = 0; stage < blocks.Length; stage++)
        {
            for (int i = 1; i <= blocks[stage]; i++) x = DenseConvBlock(x, 32, $"conv{stage + 2}_block{i}");
            if (stage < blocks.Length - 1) x = TransitionBlock(x, 0.5, $"pool{stage + 2}");
        }
        x = new BatchNormalization(epsilon: 1.001e-5, name: "bn").Apply(x);
        x = new Activation("relu", name: "relu").Apply(x);
        x = Top(x, includeTop, pooling, classes, classifierActivation, weights);
        var model = Functional(inputTensor, imageInput, x, name);
        var file = includeTop ? "densenet121_weights_tf_dim_ordering_tf_kernels.h5" : "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5";
        LoadWeights(model, weights, file, WeightsBaseUrl + "densenet/" + file,
            includeTop ? "9d60b8095a5708f2dcce2bca79d332c7" : "30ee3e1110167f948a6b9946edeeb738");
        return model;
    }

    static KerasTensor DenseConvBlock(KerasTensor x, int growthRate, string name)
    {
        var y = new BatchNormalization(epsilon: 1.001e-5, name: $"{name}_0_bn").Apply(x);
        y = new Activation("relu", name: $"{name}_0_relu").Apply(y);
        y = new Conv2D(4 * growthRate, 1, useBias: false, name: $"{name}_1_conv").Apply(y);
        y = new BatchNormalization(epsilon: 1.001e-5, name: $"{name}_1_bn").Apply(y);
        y = new Activation("relu", name: $"{name}_1_relu").Apply(y);
        y = new Conv2D(growthRate, 3, padding: "same", useBias: false, name: $"{name}_2_conv").Apply(y);
        return new Concatenate(name: $"{name}_concat").Apply([x, y]);
    }

    static KerasTensor TransitionBlock(KerasTensor x, double reduction, string name)
    {
        x = new BatchNormalization(epsilon: 1.001e-5, name: $"{name}_bn").Apply(x);
        x = new Activation("relu", name: $"{name}_relu").Apply(x);
        x = new Conv2D((int)(x.Shape[^1] * reduction), 1, useBias: false, name: $"{name}_conv").Apply(x);
        return new AveragePooling2D(2, strides: 2, name: $"{name}_pool").Apply(x);
    }
}
