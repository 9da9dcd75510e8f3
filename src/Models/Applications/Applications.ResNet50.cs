using Pipeline.Models.Layers;

namespace Pipeline.Models;

public static partial class Applications
{
    /// <summary>
    /// <c>keras.applications.ResNet50</c> (He et al., 2015): a 7x7 stem (<c>conv1_pad</c>, <c>conv1_conv</c>,
    /// <c>conv1_bn</c>, <c>pool1_pool</c>), then bottleneck blocks in four stages named as Keras names them
    /// (<c>conv2_block1_0_conv</c> ... <c>conv5_block3_out</c>), batch normalisation with epsilon 1.001e-5:
    /// 25,636,712 parameters with the top, 23,587,712 without. Preprocess with <see cref="PreprocessInput"/> mode "caffe".
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
    public static Model ResNet50(bool includeTop = true, string? weights = "imagenet", KerasTensor? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet50")
    {
        ValidateWeights(weights, includeTop, classes);
        ValidatePooling(pooling);
        var shape = ObtainInputShape(inputShape ?? (inputTensor is null ? null : [.. inputTensor.Shape]), 224, minSize: 32, requireFlatten: includeTop, weights);
        var imageInput = ImageInput(inputTensor, shape);
        var x = new ZeroPadding2D(((3, 3), (3, 3)), name: "conv1_pad").Apply(imageInput);
        x = new Conv2D(64, 7, strides: 2, name: "conv1_conv").Apply(x);
        x = new BatchNormalization(epsilon: 1.001e-5, name: "conv1_bn").Apply(x);
        x = new Activation("relu", name: "conv1_relu").Apply(x);
        x = new ZeroPadding2D(((1, 1), (1, 1)), name: "pool1_pad").Apply(x);
        x = new MaxPooling2D(3, strides: 2, name: "pool1_pool").Apply(x);
        x = ResidualStack(x, 64, 3, stride1: 1, "conv2");
        x = ResidualStack(x, 128, 4, stride1: 2, "conv3");
        x = ResidualStack(x, 256, 6, stride1: 2, "conv4");
        x = ResidualStack(x, 512, 3, stride1: 2, "conv5");
        x = Top(x, includeTop, pooling, classes, classifierActivation, weights);
        var model = Functional(inputTensor, imageInput, x, name);
        var file = includeTop ? "resnet50_weights_tf_dim_ordering_tf_kernels.h5" : "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5";
        LoadWeights(model, weights, file, WeightsBaseUrl + "resnet/" + file,
            includeTop ? "2cb95161c43110f7111970584f804107" : "4d473c1dd8becc155b73f8504c6f6626");
        return model;
    }

    static KerasTensor ResidualStack(KerasTensor x, int filters, int blocks, int stride1, string name)
    {
        x = ResidualBlock(x, filters, stride1, convShortcut: true, $"{name}_block1");
        for (int i = 2; i <= blocks; i++) x = ResidualBlock(x, filters, 1, convShortcut: false, $"{name}_block{i}");
        return x;
    }

    static KerasTensor ResidualBlock(KerasTensor x, int filters, int stride, bool convShortcut, string name)
    {
        var shortcut = x;
        if (convShortcut)
        {
            shortcut = new Conv2D(4 * filters, 1, strides: stride, name: $"{name}_0_conv").Apply(x);
            shortcut = new BatchNormalization(epsilon: 1.001e-5, name: $"{name}_0_bn").Apply(shortcut);
        }
        var y = new Conv2D(filters, 1, strides: stride, name: $"{name}_1_conv").Apply(x);
        y = new BatchNormalization(epsilon: 1.001e-5, name: $"{name}_1_bn").Apply(y);
        y = new Activation("relu", name: $"{name}_1_relu").Apply(y);
        y = new Conv2D(filters, 3, padding: "same", name: $"{name}_2_conv").Apply(y);
        y = new BatchNormalization(epsilon: 1.001e-5, name: $"{name}_2_bn").Apply(y);
        y = new Activation("relu", name: $"{name}_2_relu").Apply(y);
        y = new Conv2D(4 * filters, 1, name: $"{name}_3_conv").Apply(y);
        y = new BatchNormalization(epsilon: 1.001e-5, name: $"{name}_3_bn").Apply(y);
        y = new Add(name: $"{name}_add").Apply([shortcut, y]);
        return new Activation("relu", name: $"{name}_out").Apply(y);
    }
}
