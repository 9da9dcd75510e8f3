using Pipeline.Models.Losses;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public class LossBehaviourTests
{
    [Fact]
    public void Sparse_labels_given_to_categorical_crossentropy_name_the_loss_both_shapes_and_the_fix()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new CategoricalCrossentropy().Call(tensor(new long[] { 1, 0, 3 }), rand(3, 4)));
        Assert.Contains("categorical_crossentropy", e.Message);
        Assert.Contains("y_true.shape=(3,)", e.Message);
        Assert.Contains("y_pred.shape=(3, 4)", e.Message);
        Assert.Contains("sparse_categorical_crossentropy", e.Message);
    }

    [Fact]
    public void One_hot_labels_given_to_sparse_categorical_crossentropy_say_so()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new SparseCategoricalCrossentropy().Call(eye(4)[..3], rand(3, 4)));
        Assert.Contains("sparse_categorical_crossentropy", e.Message);
        Assert.Contains("expected labels (y_true) of shape (3,)", e.Message);
        Assert.Contains("received y_true.shape=(3, 4)", e.Message);
        Assert.Contains("use categorical_crossentropy", e.Message);
    }

    [Fact]
    public void Regression_losses_refuse_shapes_that_would_silently_broadcast()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Call(rand(8), rand(8, 2)));
        Assert.Contains("mean_squared_error", e.Message);
        Assert.Contains("y_true.shape=(8,)", e.Message);
        Assert.Contains("y_pred.shape=(8, 2)", e.Message);
    }

    [Fact]
    public void Names_keep_compile_working_and_unknown_names_list_the_known_ones()
    {
        Assert.IsType<MeanSquaredError>(Loss.Get("mse"));
        Assert.IsType<BinaryCrossentropy>(Loss.Get("BinaryCrossentropy"));
        Assert.IsType<KLDivergence>(Loss.Get("kld"));
        Assert.Equal("huber_loss", Loss.Get("huber").Name);
        var e = Assert.Throws<ArgumentException>(() => Loss.Get("hinge2"));
        Assert.Equal("loss", e.ParamName);
        Assert.Contains("binary_crossentropy", e.Message);
        Assert.Throws<ArgumentException>(() => new MeanSquaredError(reduction: "average"));
    }

    [Fact]
    public void The_fused_softmax_path_equals_probabilities_through_the_public_call()
    {
        using var scope = NewDisposeScope();
        // Moderate logits: no probability falls below Keras's 1e-7 clip, where the two paths are meant to differ.
        var logits = tensor(new float[,] { { 1.5f, -0.3f, 0.2f }, { -2f, 0.5f, 3f }, { 0f, 0f, 0f }, { 4f, -1f, 2f }, { -0.7f, 1.1f, -3f } });
        var labels = tensor(new long[] { 0, 2, 1, 1, 0 });
        var loss = new SparseCategoricalCrossentropy();
        var viaProbabilities = loss.Call(labels, logits.softmax(-1));
        var fused = loss.Compute(logits, labels, outputIsLogits: true);
        Assert.Equal(viaProbabilities.item<float>(), fused.item<float>(), 4);
    }

    [Fact]
    public void A_custom_loss_only_overrides_PerSample()
    {
        using var scope = NewDisposeScope();
        var loss = new CubedError();
        var value = loss.Call(zeros(2, 1), tensor(new[] { 1f, 2f }).reshape(2, 1), sampleWeight: tensor(new[] { 1f, 0.5f }));
        Assert.Equal((1 + 0.5 * 8) / 2.0, value.item<float>(), 5);
        Assert.Equal("cubed_error", loss.Name);
    }

    sealed class CubedError() : Loss(null, "sum_over_batch_size")
    {
        public override Tensor PerSample(Tensor yTrue, Tensor yPred) => yPred.sub(yTrue).pow(3).mean([-1]);
    }
}
