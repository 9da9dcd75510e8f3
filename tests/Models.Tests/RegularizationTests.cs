using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Regularizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// Weight penalties (kernelRegularizer, biasRegularizer) are part of the loss everywhere Keras reports one: the training
/// step, Evaluate, validation and TestOnBatch. Inputs and labels are zero, so the data loss is zero and "loss" is the
/// penalty alone, known in closed form.
/// </summary>
public class RegularizationTests
{
    // Dense(3) on 4 features with an all-ones kernel: L2(10) gives 10 * 12 = 120, L1(0.5) gives 0.5 * 12 = 6.
    static Sequential Model(Regularizer regularizer, double learningRate = 0.01)
    {
        var model = new Sequential([new Input([4]), new Dense(3, kernelInitializer: "ones", kernelRegularizer: regularizer)]);
        model.Compile(new SGD(learningRate: learningRate), "mse");
        return model;
    }

    [Fact]
    public void Evaluate_and_TestOnBatch_include_the_penalty()
    {
        using var scope = NewDisposeScope();
        using var model = Model(new L2(10));
        var x = zeros(5, 4);
        var y = zeros(5, 3);
        Assert.Equal(120, model.Evaluate(x, y, verbose: 0)["loss"], 3);
        Assert.Equal(120, model.TestOnBatch(x, y)["loss"], 3);
        using var l1 = Model(new L1(0.5));
        Assert.Equal(6, l1.Evaluate(x, y, verbose: 0)["loss"], 4);
    }

    [Fact]
    public void Fit_logs_the_penalty_before_the_step_and_val_loss_after_it()
    {
        using var scope = NewDisposeScope();
        using var model = Model(new L2(10), learningRate: 0.01);
        var x = zeros(5, 4);
        var y = zeros(5, 3);

        // One batch per epoch: "loss" is measured before the update; the gradient of 10 * sum(k^2) is 20 k, so SGD at
        // 0.01 leaves k = 0.8 and the validation after the step sees 10 * 12 * 0.64 = 76.8.
        var history = model.Fit(x, y, validationData: (x, y), batchSize: 5, epochs: 1, shuffle: false, verbose: 0);

        Assert.Equal(120, history["loss"][0], 3);
        Assert.Equal(76.8, history["val_loss"][0], 3);
        Assert.True(((Dense)model.Layers[^1]).Kernel!.Value.sub(0.8f).abs().max().item<float>() < 1e-6f, "the kernel must shrink to 0.8");
    }

    [Fact]
    public void TrainOnBatch_reports_the_penalty_it_minimises()
    {
        using var scope = NewDisposeScope();
        using var model = Model(new L2(10));
        Assert.Equal(120, model.TrainOnBatch(zeros(2, 4), zeros(2, 3))["loss"], 3);
        Assert.Equal(76.8, model.TestOnBatch(zeros(2, 4), zeros(2, 3))["loss"], 3);
    }
}
