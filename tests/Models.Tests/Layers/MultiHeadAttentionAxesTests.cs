using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// Keras's <c>attention_axes</c> (the outputs against Keras's einsums are in LayerOracleTests): the axes left out act as
/// batch axes, so attending over the columns of a (batch, rows, columns, features) input is attending over each row
/// on its own.
/// </summary>
public class MultiHeadAttentionAxesTests
{
    [Fact]
    public void Attention_over_columns_equals_attending_each_row_alone()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var query = randn(2, 3, 4, 6);
        var value = randn(2, 3, 5, 6);
        using var byColumns = new MultiHeadAttention(2, 3, attentionAxes: [2]);
        var (output, scores) = byColumns.CallWithScores(query, value);
        Assert.Equal([2, 3, 4, 6], output.shape);
        Assert.Equal([2, 3, 2, 4, 5], scores.shape);

        // The same weights over (batch·rows, columns, features): ordinary sequence attention.
        using var perRow = new MultiHeadAttention(2, 3);
        perRow.Call(query.reshape(6, 4, 6), value.reshape(6, 5, 6));
        for (int i = 0; i < perRow.Weights.Count; i++) perRow.Weights[i].Assign(byColumns.Weights[i].Value);
        var (rowOutput, rowScores) = perRow.CallWithScores(query.reshape(6, 4, 6), value.reshape(6, 5, 6));
        Assert.True(allclose(output, rowOutput.reshape(2, 3, 4, 6), rtol: 1e-5, atol: 1e-6));
        Assert.True(allclose(scores, rowScores.reshape(2, 3, 2, 4, 5), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Attention_over_two_axes_normalises_over_all_key_positions_together()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        using var layer = new MultiHeadAttention(2, 3, attentionAxes: [1, 2]);
        var (output, scores) = layer.CallWithScores(randn(2, 3, 2, 6), randn(2, 2, 3, 6));
        Assert.Equal([2, 3, 2, 6], output.shape);
        Assert.Equal([2, 2, 3, 2, 2, 3], scores.shape);
        var sums = scores.sum([-2, -1]);
        Assert.True(allclose(sums, ones_like(sums), atol: 1e-5));
    }

    [Fact]
    public void The_default_axes_are_every_axis_between_batch_and_features()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var query = randn(2, 3, 2, 6);
        using var byDefault = new MultiHeadAttention(2, 3);
        using var explicitAxes = new MultiHeadAttention(2, 3, attentionAxes: [1, 2]);
        var expected = byDefault.CallWithScores(query, query);
        explicitAxes.Call(query, query);
        for (int i = 0; i < byDefault.Weights.Count; i++) explicitAxes.Weights[i].Assign(byDefault.Weights[i].Value);
        var actual = explicitAxes.CallWithScores(query, query);
        Assert.True(allclose(expected.Output, actual.Output, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(expected.Scores.shape, actual.Scores.shape);
    }

    [Fact]
    public void Bad_axes_and_masks_are_errors_that_name_the_layer_and_the_shapes()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new MultiHeadAttention(2, 3, attentionAxes: [0]));
        Assert.Throws<ArgumentException>(() => new MultiHeadAttention(2, 3, attentionAxes: [1, 1]));

        using var tooFar = new MultiHeadAttention(2, 3, attentionAxes: [3], name: "mha_axes");
        var e = Assert.Throws<ArgumentException>(() => tooFar.Call(randn(2, 3, 4, 6), randn(2, 3, 4, 6)));
        Assert.Contains("mha_axes", e.Message);
        Assert.Contains("attention_axes [3]", e.Message);

        using var rows = new MultiHeadAttention(2, 3, attentionAxes: [2], name: "mha_rows");
        e = Assert.Throws<ArgumentException>(() => rows.Call(randn(2, 3, 4, 6), randn(2, 2, 4, 6)));
        Assert.Contains("axis 1 is not an attention axis", e.Message);
        e = Assert.Throws<ArgumentException>(() => rows.Call(randn(2, 3, 4, 6), randn(2, 3, 5, 6), attentionMask: ones(2, 4, 5)));
        Assert.Contains("(2, 3, 4, 5)", e.Message);
        Assert.Contains("received (2, 4, 5)", e.Message);
    }

    [Fact]
    public void A_mask_over_one_axis_blocks_those_key_columns_in_every_row()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        using var layer = new MultiHeadAttention(2, 3, attentionAxes: [2]);
        var mask = ones(2, 3, 4, 5);
        mask[TensorIndex.Ellipsis, TensorIndex.Slice(3)] = zeros(1);   // key columns 3 and 4 blocked
        var (_, scores) = layer.CallWithScores(randn(2, 3, 4, 6), randn(2, 3, 5, 6), attentionMask: mask);
        Assert.Equal(0f, scores[TensorIndex.Ellipsis, TensorIndex.Slice(3)].abs().max().item<float>(), 6);
    }
}
