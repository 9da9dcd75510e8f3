using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>Keras arguments that change what a layer computes: use_causal_mask, mask_zero, output_padding.</summary>
public class KerasArgumentTests
{
    [Fact]
    public void A_causal_mask_makes_each_query_step_see_only_the_keys_up_to_it()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var mha = new MultiHeadAttention(numHeads: 2, keyDim: 4);
        var q = randn(2, 5, 8);
        var v = randn(2, 5, 8);
        var (output, scores) = mha.CallWithScores(q, v, useCausalMask: true);

        // No weight above the diagonal: query step i gives nothing to key steps after i.
        Assert.True(scores.triu(1).abs().max().item<float>() < 1e-6);
        // Reference: step i attends to the prefix v[:, :i+1] without any mask.
        for (int i = 0; i < 5; i++)
        {
            var prefix = mha.Call(q.narrow(1, i, 1), v.narrow(1, 0, i + 1));
            Assert.True(output.narrow(1, i, 1).allclose(prefix, rtol: 1e-5, atol: 1e-6), $"step {i} differs from attention over its prefix");
        }
        // With an attention mask too, both apply: blocking key 0 leaves step 0 nothing but the -1e9 fill, so step 1 sees only key 1.
        var mask = ones(2, 5, 5, ScalarType.Bool);
        mask[.., .., 0] = tensor(false);
        var (_, both) = mha.CallWithScores(q, v, attentionMask: mask, useCausalMask: true);
        Assert.True(both[.., .., 1, 1].allclose(ones(2, 2)));
    }

    [Fact]
    public void Embedding_maskZero_marks_index_zero_as_padding()
    {
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 3, 0, 7, 0, 1, 2 }).reshape(2, 3);
        var embedding = new Embedding(10, 4, maskZero: true);
        var mask = embedding.ComputeMask(ids)!;

        Assert.Equal(ScalarType.Bool, mask.dtype);
        Assert.Equal(new[] { true, false, true, false, true, true }, mask.flatten().data<bool>().ToArray());
        Assert.Equal(new long[] { 2, 3, 4 }, embedding.Apply(ids).shape);   // the embeddings themselves are unchanged
        Assert.Equal(true, embedding.GetConfig()["mask_zero"]);
        Assert.Null(new Embedding(10, 4).ComputeMask(ids));
        Assert.Equal(false, new Embedding(10, 4).GetConfig()["mask_zero"]);
    }

    [Theory]
    [InlineData("valid", 1)]
    [InlineData("same", 1)]
    [InlineData("same", 0)]
    public void Conv2DTranspose_outputPadding_crops_the_full_transposed_convolution_as_Keras_does(string padding, int outputPadding)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var x = randn(1, 4, 5, 2);
        var layer = new Conv2DTranspose(3, 3, strides: 2, padding: padding, outputPadding: outputPadding);
        var y = layer.Apply(x);
        // The full transposed convolution ("valid", no output padding) with the same weights: (i - 1) * 2 + 3 per axis.
        var full = new Conv2DTranspose(3, 3, strides: 2, padding: "valid");
        full.Apply(x);
        full.SetWeights(layer.GetWeights());
        var reference = full.Apply(x);
        var bias = layer.Weights[1].Value;

        // Keras: length (i - 1) * s + k - 2 * pad + outputPadding, pad = k / 2 for "same", 0 for "valid".
        int pad = padding == "same" ? 1 : 0;
        long h = (4 - 1) * 2 + 3 - 2 * pad + outputPadding, w = (5 - 1) * 2 + 3 - 2 * pad + outputPadding;
        Assert.Equal(new long[] { 1, h, w, 3 }, y.shape);
        Assert.Equal([(int)h, (int)w, 3], layer.ComputeOutputShape([4, 5, 2]));
        // Inside the full result it is a crop starting at pad; rows and columns past its end hold only the bias.
        long inH = Math.Min(h, reference.shape[1] - pad), inW = Math.Min(w, reference.shape[2] - pad);
        Assert.True(y.narrow(1, 0, inH).narrow(2, 0, inW).allclose(reference.narrow(1, pad, inH).narrow(2, pad, inW), rtol: 1e-5, atol: 1e-6));
        if (inH < h) Assert.True(y.narrow(1, inH, h - inH).allclose(bias.expand(1, h - inH, w, 3), rtol: 1e-6, atol: 1e-6));
        Assert.Equal(new[] { outputPadding, outputPadding }, layer.GetConfig()["output_padding"]);
    }

    [Fact]
    public void Conv2DTranspose_outputPadding_must_be_less_than_the_stride()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTranspose(3, 3, strides: 2, outputPadding: 2));
        Assert.Contains("outputPadding", e.Message);
        Assert.Contains("At dimension 0, `outputPadding` is 2 but the stride is 2", e.Message);
        Assert.Contains("strides=(2, 2)", e.Message);
    }
}
