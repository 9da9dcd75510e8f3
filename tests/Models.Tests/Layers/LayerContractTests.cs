using Pipeline.Models.Layers;

namespace Pipeline.Models.Tests;

/// <summary>Every layer of this package through <see cref="LayerContract"/>.</summary>
public class LayerContractTests
{
    static readonly int[] Image = [6, 5, 4];
    static readonly int[] Sequence = [7, 6];
    static readonly string[] ConvKeys = ["kernel_size", "strides", "padding", "activation", "use_bias", "data_format"];

    [Fact] public void Conv2D_with_dilation_and_groups() => LayerContract.Run(() => new Conv2D(6, 3, padding: "same", dilationRate: 2, groups: 2), [Image], 2, 0, [.. ConvKeys, "filters", "dilation_rate", "groups"]);
    [Fact] public void Conv2D_with_tuple_kernel_and_strides() => LayerContract.Run(() => new Conv2D(3, (3, 2), (2, 1), padding: "same"), [Image], 2, 0, ConvKeys);
    [Fact] public void Conv1D() => LayerContract.Run(() => new Conv1D(4, 3, padding: "causal", dilationRate: 2), [Sequence], 2, 0, [.. ConvKeys, "dilation_rate", "groups"]);
    [Fact] public void DepthwiseConv2D() => LayerContract.Run(() => new DepthwiseConv2D(3, strides: 2, padding: "same", depthMultiplier: 2), [Image], 2, 0, ["kernel_size", "depth_multiplier", "depthwise_initializer"]);
    [Fact] public void SeparableConv2D() => LayerContract.Run(() => new SeparableConv2D(5, 3, padding: "same"), [Image], 3, 0, ["filters", "depthwise_initializer", "pointwise_initializer"]);
    [Fact] public void SeparableConv2D_with_tuples_and_regularizers() => LayerContract.Run(() => new SeparableConv2D(3, (3, 2), (2, 1), "same", depthMultiplier: 2,
        depthwiseRegularizer: new Regularizers.L2(0.1), pointwiseRegularizer: new Regularizers.L1(0.1), biasRegularizer: new Regularizers.L2(0.2)), [Image], 3, 0,
        ["kernel_size", "strides", "depthwise_regularizer", "pointwise_regularizer", "bias_regularizer"]);
    [Fact] public void Conv2DTranspose_with_tuples() => LayerContract.Run(() => new Conv2DTranspose(3, (3, 2), (2, 1), padding: "same"), [Image], 2, 0, ConvKeys, expectedOutputShape: [12, 5, 3]);
    [Fact] public void Conv2DTranspose() => LayerContract.Run(() => new Conv2DTranspose(3, 3, strides: 2, padding: "same"), [Image], 2, 0, ConvKeys);
    [Fact] public void Dense_on_rank_3() => LayerContract.Run(() => new Dense(3, activation: "gelu"), [Sequence], 2, 0, ["units", "activation", "kernel_initializer"]);
    [Fact] public void AveragePooling2D() => LayerContract.Run(() => new AveragePooling2D(3, 2, "same"), [Image], 0, 0, ["pool_size", "strides", "padding"]);
    [Fact] public void GlobalAveragePooling1D() => LayerContract.Run(() => new GlobalAveragePooling1D(), [Sequence], 0, 0, ["keepdims"]);
    [Fact] public void GlobalMaxPooling1D() => LayerContract.Run(() => new GlobalMaxPooling1D(keepdims: true), [Sequence], 0, 0, ["keepdims"], checkInputGradient: false);   // piecewise
    [Fact] public void GlobalAveragePooling2D() => LayerContract.Run(() => new GlobalAveragePooling2D(), [Image], 0, 0, ["keepdims"]);
    [Fact] public void GlobalMaxPooling2D() => LayerContract.Run(() => new GlobalMaxPooling2D(keepdims: true), [Image], 0, 0, ["keepdims"], checkInputGradient: false);   // piecewise
    [Fact] public void ZeroPadding2D() => LayerContract.Run(() => new ZeroPadding2D(((1, 0), (2, 1))), [Image], 0, 0, ["padding"]);
    [Fact] public void Cropping2D() => LayerContract.Run(() => new Cropping2D(((1, 0), (2, 1))), [Image], 0, 0, ["cropping"]);
    [Fact] public void UpSampling2D() => LayerContract.Run(() => new UpSampling2D(2, "bilinear"), [Image], 0, 0, ["size", "interpolation"]);
    [Fact] public void BatchNormalization() => LayerContract.Run(() => new BatchNormalization(), [Image], 2, 2, ["axis", "momentum", "epsilon"], forwardUpdatesNonTrainable: true);
    [Fact] public void LayerNormalization() => LayerContract.Run(() => new LayerNormalization(), [Sequence], 2, 0, ["axis", "epsilon"]);
    [Fact] public void SpatialDropout2D() => LayerContract.Run(() => new SpatialDropout2D(0.5), [Image], 0, 0, ["rate"]);
    [Fact] public void Activation() => LayerContract.Run(() => new Activation("hard_swish"), [Image], 0, 0, ["activation"]);
    [Fact] public void ReLU() => LayerContract.Run(() => new ReLU(maxValue: 1.5, negativeSlope: 0.1), [Image], 0, 0, ["max_value", "negative_slope", "threshold"], checkInputGradient: false);   // kinks; see ActivationTests
    [Fact] public void LeakyReLU() => LayerContract.Run(() => new LeakyReLU(), [Image], 0, 0, ["negative_slope"], checkInputGradient: false);
    [Fact] public void Softmax() => LayerContract.Run(() => new Softmax(axis: 1), [Image], 0, 0, ["axis"]);
    [Fact] public void Add() => LayerContract.Run(() => new Add(), [Image, Image, Image], 0, 0, []);
    [Fact] public void Subtract() => LayerContract.Run(() => new Subtract(), [Image, Image], 0, 0, []);
    [Fact] public void Multiply() => LayerContract.Run(() => new Multiply(), [Image, Image], 0, 0, []);
    [Fact] public void Average() => LayerContract.Run(() => new Average(), [Image, Image], 0, 0, []);
    [Fact] public void Maximum() => LayerContract.Run(() => new Maximum(), [Image, Image], 0, 0, [], checkInputGradient: false);   // piecewise: ties make differences unreliable
    [Fact] public void Minimum() => LayerContract.Run(() => new Minimum(), [Image, Image], 0, 0, [], checkInputGradient: false);
    [Fact] public void Concatenate() => LayerContract.Run(() => new Concatenate(), [Image, [6, 5, 2]], 0, 0, ["axis"]);
    [Fact] public void Embedding() => LayerContract.Run(() => new Embedding(10, 4), [[5]], 1, 0, ["input_dim", "output_dim"], integerInput: true);
    [Fact] public void MultiHeadAttention() => LayerContract.Run(() => new MultiHeadAttention(2, 3), [Sequence, [4, 6]], 8, 0, ["num_heads", "key_dim", "value_dim"], zeroGradient: ["key/bias"]);
    [Fact] public void MultiHeadAttention_over_one_axis_of_rank_4_inputs() => LayerContract.Run(() => new MultiHeadAttention(2, 3, attentionAxes: [2]), [[3, 4, 6], [3, 5, 6]], 8, 0, ["num_heads", "key_dim", "attention_axes"], zeroGradient: ["key/bias"]);
    [Fact] public void Permute() => LayerContract.Run(() => new Permute([2, 1]), [Sequence], 0, 0, ["dims"]);
    [Fact] public void RepeatVector() => LayerContract.Run(() => new RepeatVector(3), [[5]], 0, 0, ["n"]);
    [Fact] public void Lambda() => LayerContract.Run(() => new Lambda(x => x * 2), [Sequence], 0, 0, ["function"], configRoundTrip: false);
    [Fact] public void Identity() => LayerContract.Run(() => new Identity(), [Sequence], 0, 0, []);

    // Preprocessing layers: identity in inference (so the inference checks see the deterministic path), their
    // configs round trip, and a training call passes gradients through where Keras's do.
    [Fact] public void Resizing() => LayerContract.Run(() => new Resizing(4, 3), [Image], 0, 0, ["height", "width", "interpolation"], expectedOutputShape: [4, 3, 4]);
    [Fact] public void CenterCrop() => LayerContract.Run(() => new CenterCrop(4, 3), [Image], 0, 0, ["height", "width"], expectedOutputShape: [4, 3, 4]);
    [Fact] public void Normalization() => LayerContract.Run(() => new Normalization(mean: [0.5, 1, 2, 3], variance: [1, 4, 0.25, 9]), [Image], 0, 0, ["mean", "variance"]);
    // Without given statistics, Keras 3 keeps them in three non-trainable weights (mean, variance, count), which files load.
    [Fact] public void Normalization_with_statistics_in_weights() => LayerContract.Run(() => new Normalization(axis: 3), [Image], 0, 3, ["axis", "mean", "variance", "invert"]);
    [Fact] public void Rescaling_per_channel() => LayerContract.Run(() => new Rescaling([0.5, 2, -1, 4], [1, 0, 0.25, -2]), [Image], 0, 0, ["scale", "offset"], expectedOutputShape: Image);
    [Fact] public void Dropout_with_noise_shape() => LayerContract.Run(() => new Dropout(0.3, noiseShape: [null, 1, 1, 1]), [Image], 0, 0, ["rate", "noise_shape"], expectedOutputShape: Image);
    [Fact] public void Add_broadcasting_a_lower_rank_input() => LayerContract.Run(() => new Add(), [Image, [4]], 0, 0, [], expectedOutputShape: Image);
    [Fact] public void Subtract_broadcasting_a_size_one_axis() => LayerContract.Run(() => new Subtract(), [[1, 5, 4], Image], 0, 0, [], expectedOutputShape: Image);
    [Fact] public void Multiply_broadcasting_channel_weights() => LayerContract.Run(() => new Multiply(), [Image, [1, 1, 4]], 0, 0, [], expectedOutputShape: Image);
    [Fact] public void RandomCrop() => LayerContract.Run(() => new RandomCrop(4, 3, seed: 1), [Image], 0, 0, ["height", "width", "seed"], expectedOutputShape: [4, 3, 4]);
    [Fact] public void RandomFlip() => LayerContract.Run(() => new RandomFlip(seed: 1), [Image], 0, 0, ["mode", "seed"]);
    [Fact] public void RandomRotation() => LayerContract.Run(() => new RandomRotation(0.2, seed: 1), [Image], 0, 0, ["factor", "fill_mode", "interpolation", "seed"]);
    [Fact] public void RandomTranslation() => LayerContract.Run(() => new RandomTranslation(0.2, 0.1, seed: 1), [Image], 0, 0, ["height_factor", "width_factor", "fill_mode"]);
    [Fact] public void RandomZoom() => LayerContract.Run(() => new RandomZoom(0.2, seed: 1), [Image], 0, 0, ["height_factor", "width_factor", "fill_mode"]);
    [Fact] public void RandomContrast() => LayerContract.Run(() => new RandomContrast(0.3, seed: 1), [Image], 0, 0, ["factor", "seed"]);
    [Fact] public void RandomBrightness() => LayerContract.Run(() => new RandomBrightness(0.2, valueRange: (-3, 3), seed: 1), [Image], 0, 0, ["factor", "value_range", "seed"]);

    [Fact]
    public void Every_public_layer_of_the_package_goes_through_the_contract()
    {
        // A test here (or in CoreLayerContractTests) named after the class, or the class name plus "_...", counts.
        var tests = typeof(LayerContractTests).GetMethods().Concat(typeof(CoreLayerContractTests).GetMethods()).Select(m => m.Name).ToArray();
        var layers = typeof(Layer).Assembly.GetExportedTypes()
            .Where(t => t.IsSubclassOf(typeof(Layer)) && !t.IsAbstract && t.Namespace == typeof(Layer).Namespace)
            .Where(t => t != typeof(Input))   // Input makes a KerasTensor (Keras's InputLayer); Architecture tests cover it
            .ToList();
        Assert.True(layers.Count >= 45, $"only {layers.Count} layer classes found");
        var missing = layers.Where(t => !tests.Any(n => n == t.Name || n.StartsWith(t.Name + "_", StringComparison.Ordinal)))
            .Select(t => t.Name).Order().ToList();
        Assert.True(missing.Count == 0, "Layers without a contract test: " + string.Join(", ", missing));
    }
}
