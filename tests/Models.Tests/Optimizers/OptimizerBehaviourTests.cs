using Pipeline.Models.Optimizers;
using Pipeline.Models.Optimizers.Schedules;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public class OptimizerBehaviourTests
{
    [Fact]
    public void Names_resolve_to_keras_defaults()
    {
        Assert.IsType<AdamW>(Optimizer.Get("AdamW"));
        Assert.Equal(0.004, ((AdamW)Optimizer.Get("adamw")).WeightDecay);
        Assert.Equal(0.01, Optimizer.Get("sgd").LearningRate);
        Assert.Equal(0.001, Optimizer.Get("nadam").LearningRate);
        Assert.Equal(0.1, ((Adagrad)Optimizer.Get("adagrad")).InitialAccumulatorValue);
        var e = Assert.Throws<ArgumentException>(() => Optimizer.Get("adamax2"));
        Assert.Contains("adamax2", e.Message);
        Assert.Equal("optimizer", e.ParamName);
    }

    [Fact]
    public void Learning_rate_is_settable_unless_a_schedule_drives_it()
    {
        var adam = new Adam(learningRate: 0.01);
        adam.LearningRate = 0.5;
        Assert.Equal(0.5, adam.LearningRate);
        Assert.Null(adam.Schedule);

        var scheduled = new Adam(learningRate: new ExponentialDecay(0.1, 1, 0.5));
        Assert.NotNull(scheduled.Schedule);
        var e = Assert.Throws<InvalidOperationException>(() => scheduled.LearningRate = 0.2);
        Assert.Contains("ExponentialDecay", e.Message);
    }

    [Fact]
    public void The_schedule_is_read_at_the_current_iteration_and_the_set_rate_applies_to_the_next_step()
    {
        var w = zeros(1);
        var sgd = new SGD(learningRate: new PiecewiseConstantDecay([1], [1.0, 0.1]));
        using var g = ones(1);
        sgd.Apply([g], [w]);   // step 0: lr 1
        sgd.Apply([g], [w]);   // step 1: lr 1 (step <= boundary)
        sgd.Apply([g], [w]);   // step 2: lr 0.1
        Assert.Equal(-2.1f, w.item<float>(), 5);

        var plain = new SGD(learningRate: 1.0);
        var v = zeros(1);
        plain.Apply([g], [v]);
        plain.LearningRate = 0.25;
        plain.Apply([g], [v]);
        Assert.Equal(-1.25f, v.item<float>(), 5);
    }

    [Fact]
    public void Only_one_clipping_mode_is_allowed_as_in_keras()
    {
        var e = Assert.Throws<ArgumentException>(() => new Adam(clipnorm: 1, clipvalue: 1));
        Assert.Contains("Only one of `clipnorm`, `clipvalue` and `global_clipnorm`", e.Message);
    }

    [Fact]
    public void Clipping_leaves_the_callers_gradients_untouched_and_null_gradients_are_skipped()
    {
        var a = ones(3);
        var b = ones(2);
        using var g = full(3, 10f);
        var sgd = new SGD(learningRate: 1.0, clipvalue: 0.5);
        sgd.Apply([g, null], [a, b]);
        Assert.Equal(new[] { 0.5f, 0.5f, 0.5f }, a.data<float>().ToArray());
        Assert.Equal(new[] { 1f, 1f }, b.data<float>().ToArray());
        Assert.Equal(10f, g[0].item<float>());
        Assert.Throws<ArgumentException>(() => sgd.Apply([null, null], [a, b]));
    }

    [Fact]
    public void A_gradient_of_the_wrong_shape_names_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Adam().Apply([zeros(2, 3)], [zeros(3, 2)]));
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(3, 2)", e.Message);
    }

    [Fact]
    public void Channels_last_weights_keep_their_layout_and_get_the_same_update()
    {
        using var scope = NewDisposeScope();
        var dense = randn(2, 3, 4, 5);
        var strided = dense.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);   // channels_last in memory
        var grad = randn(2, 3, 4, 5);
        var a = new Adam(learningRate: 0.1);
        var b = new Adam(learningRate: 0.1);
        for (int i = 0; i < 3; i++)
        {
            a.Apply([grad], [dense]);
            b.Apply([grad], [strided]);
        }
        Assert.Equal(1, strided.stride(1));
        Assert.True(dense.allclose(strided, rtol: 1e-6, atol: 1e-7));
    }
}
