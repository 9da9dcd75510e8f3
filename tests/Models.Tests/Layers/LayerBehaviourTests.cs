using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public class LayerBehaviourTests
{
    /// <summary>A residual block: conv-BN-relu-conv-BN, a 1x1 projection shortcut, Add, relu, global pooling, a classifier.</summary>
    static Model ResidualBlock(out BatchNormalization frozenCandidate)
    {
        var inputs = new Input([8, 8, 1]);
        var x = new Conv2D(8, 3, padding: "same", useBias: false).Apply(inputs);
        var bn = new BatchNormalization();
        x = bn.Apply(x);
        x = new ReLU().Apply(x);
        x = new Conv2D(8, 3, padding: "same", useBias: false).Apply(x);
        x = new BatchNormalization().Apply(x);
        var shortcut = new Conv2D(8, 1).Apply(inputs);
        x = new Add().Apply([x, shortcut]);
        x = new Activation("relu").Apply(x);
        x = new GlobalAveragePooling2D().Apply(x);
        var outputs = new Dense(3, activation: "softmax").Apply(x);
        frozenCandidate = bn;
        return new Model(inputs, outputs, name: "resnet_block");
    }

    [Fact]
    public void Residual_block_counts_parameters_as_keras_does()
    {
        using var model = ResidualBlock(out _);
        // conv 3*3*1*8 = 72; BN 4*8 = 32; conv 3*3*8*8 = 576; BN 32; shortcut 1*1*1*8 + 8 = 16; dense 8*3 + 3 = 27.
        Assert.Equal(72 + 32 + 576 + 32 + 16 + 27, model.CountParams());
        // Moving statistics are non-trainable: 2 BN layers * 2 * 8 values.
        Assert.Equal(32, model.NonTrainableWeights.Sum(w => w.Shape.Aggregate(1L, (a, b) => a * b)));
    }

    [Fact]
    public void A_frozen_batch_normalization_runs_in_inference_mode_and_stays_unchanged_through_fit()
    {
        var (x, y) = TinyData.Blocks(48, seed: 5);
        using var model = ResidualBlock(out var bn);
        bn.Trainable = false;
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var before = bn.Weights.Select(w => w.Value.detach().clone()).ToArray();
        var history = model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0);
        Assert.All(history["loss"], l => Assert.True(double.IsFinite(l)));
        for (int i = 0; i < before.Length; i++) Assert.True(bn.Weights[i].Value.equal(before[i]).all().item<bool>(), $"{bn.Weights[i].Name} changed");

        using var scope = NewDisposeScope();
        var batch = randn(4, 8, 8, 8);
        Assert.True(bn.Apply(batch, training: true).allclose(bn.Apply(batch, training: false)));
    }

    [Fact]
    public void Batch_normalization_in_training_moves_its_statistics_and_normalises_with_the_batch()
    {
        using var scope = NewDisposeScope();
        using var bn = new BatchNormalization(momentum: 0.5);
        var batch = randn(16, 3, 3, 2) * 3 + 5;
        var y = bn.Apply(batch, training: true);
        var mean = y.mean([0, 1, 2]);
        Assert.True(mean.abs().max().item<float>() < 1e-4, "batch-normalised output should have zero mean per channel");
        var expectedMean = batch.mean([0, 1, 2]) * 0.5;   // 0.5 * 0 + 0.5 * batch mean
        Assert.True(bn.MovingMean!.Value.allclose(expectedMean, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Multi_head_attention_weights_have_keras_s_shapes_and_parameter_count()
    {
        using var scope = NewDisposeScope();
        using var mha = new MultiHeadAttention(numHeads: 4, keyDim: 16);
        var tokens = randn(2, 5, 64);
        var output = mha.Apply([tokens, tokens]);
        Assert.Equal(new long[] { 2, 5, 64 }, output.shape);
        var shapes = mha.Weights.ToDictionary(w => w.Name, w => w.Shape);
        Assert.Equal(new long[] { 64, 4, 16 }, shapes["query/kernel"]);
        Assert.Equal(new long[] { 4, 16 }, shapes["query/bias"]);
        Assert.Equal(new long[] { 64, 4, 16 }, shapes["value/kernel"]);
        Assert.Equal(new long[] { 4, 16, 64 }, shapes["attention_output/kernel"]);
        Assert.Equal(new long[] { 64 }, shapes["attention_output/bias"]);
        Assert.Equal(16_640, mha.CountParams());   // Keras: 4 * (64 * 64 + 64)
        var (_, scores) = mha.CallWithScores(tokens, tokens);
        Assert.Equal(new long[] { 2, 4, 5, 5 }, scores.shape);
        Assert.True(scores.sum(-1).allclose(ones(2, 4, 5)));
    }

    [Fact]
    public void An_attention_mask_blocks_the_masked_keys()
    {
        using var scope = NewDisposeScope();
        using var mha = new MultiHeadAttention(numHeads: 2, keyDim: 4);
        var q = randn(1, 3, 8);
        var v = randn(1, 4, 8);
        var mask = tensor(new[] { true, true, false, false }).reshape(1, 1, 4).expand(1, 3, 4);
        var (_, scores) = mha.CallWithScores(q, v, attentionMask: mask);
        Assert.True(scores[.., .., .., 2..].abs().max().item<float>() < 1e-6);
        var e = Assert.Throws<ArgumentException>(() => mha.CallWithScores(q, v, attentionMask: ones(1, 4, 4)));
        Assert.Contains("(1, 3, 4)", e.Message);
    }

    [Fact]
    public void Merge_layers_name_the_layer_and_both_shapes_on_a_mismatch()
    {
        var a = new Input([4, 4, 3]);
        var b = new Input([4, 4, 2]);
        var e = Assert.Throws<ArgumentException>(() => new Add(name: "residual_add").Apply([a, b]));
        Assert.Contains("residual_add", e.Message);
        Assert.Contains("(None, 4, 4, 3)", e.Message);
        Assert.Contains("(None, 4, 4, 2)", e.Message);
        var c = Assert.Throws<ArgumentException>(() => new Concatenate(axis: 1).Apply([a, b]));
        Assert.Contains("axis=1", c.Message);
        Assert.Equal([4, 4, 5], new Concatenate().Apply([a, b]).Shape);
    }

    [Fact]
    public void Conv2D_groups_must_divide_filters_and_channels()
    {
        Assert.Throws<ArgumentException>(() => new Conv2D(5, 3, groups: 2));
        var e = Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, groups: 2).Apply(new Input([8, 8, 3])));
        Assert.Contains("groups=2", e.Message);
    }

    [Fact]
    public void A_layer_built_by_calling_Build_keeps_those_weights_at_its_first_call()
    {
        // Keras: layer.build(shape) then layer(x) uses the weights build made, not a second random set.
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var dense = new Dense(3);
        dense.Build([4]);
        var made = dense.Weights.ToArray();
        var kernel = made[0].Numpy().ToArray<float>();
        dense.Apply(TorchSharp.torch.ones(2, 4));
        Assert.True(dense.Built);
        Assert.Equal(made.Length, dense.Weights.Count);
        Assert.All(made.Zip(dense.Weights), p => Assert.Same(p.First, p.Second));
        Assert.Equal(kernel, dense.Weights[0].Numpy().ToArray<float>());
    }
}
