using Pipeline.Models.Callbacks;
using Pipeline.Models.Optimizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

/// <summary>
/// Keras's sample_weight, validation_split, validation_data and class_weight for a model with several outputs, through
/// the same step loop as a single output: one weight tensor for every output, one per output (list or dictionary by
/// output name), the last fraction of every array held out, and class_weight refused with what to do instead. Expected
/// losses are computed here from the model's own predictions, so these tests do not depend on its random initial weights.
/// Numbers summed in different batches are compared within a tolerance: rounding both to a number of decimals fails
/// whenever two nearly equal values fall either side of a rounding boundary (it failed 1 run in about 20).
/// </summary>
public class MultiOutputWeightsTests
{
    const int Samples = 24;

    static Model Compiled()
    {
        var model = TwoInputTwoOutput.Build();
        model.Compile(new SGD(learningRate: 0.05), ["mse", "sparse_categorical_crossentropy"], lossWeights: [0.5, 2.0], metrics: [[], ["accuracy"]]);
        return model;
    }

    /// <summary>Each output's per-sample loss at the model's current weights: squared error of "sum", cross-entropy of "larger".</summary>
    static (Tensor SquaredError, Tensor CrossEntropy) PerSampleLosses(Model model, Tensor a, Tensor b, Tensor sum, Tensor larger)
    {
        var predictions = model.Predict([a, b], verbose: 0);
        var predictedSum = tensor(predictions[0].ToArray<float>()).reshape(a.shape[0], 1);
        var probabilities = tensor(predictions[1].ToArray<float>()).reshape(a.shape[0], 2);
        return ((predictedSum - sum).square().squeeze(1), -probabilities.log().gather(1, larger.unsqueeze(1)).squeeze(1));
    }

    /// <summary>
    /// One epoch of one batch: the logged losses are those of the initial weights (the step's forward pass comes before
    /// its update), which the test computes from Predict.
    /// </summary>
    static History OneStep(Model model, (Tensor A, Tensor B, Tensor Sum, Tensor Larger) d, SampleWeight weights) =>
        model.Fit([d.A, d.B], [d.Sum, d.Larger], batchSize: Samples, epochs: 1, shuffle: false, verbose: 0, sampleWeight: weights);

    static void AssertLosses(History history, double sumLoss, double largerLoss)
    {
        Assert.Equal(sumLoss, history["sum_loss"][0], 1e-4);
        Assert.Equal(largerLoss, history["larger_loss"][0], 1e-4);
        Assert.Equal(0.5 * sumLoss + 2.0 * largerLoss, history["loss"][0], 1e-4);
    }

    [Fact]
    public void Sample_weights_per_output_weigh_each_outputs_per_sample_losses_as_hand_computed()
    {
        using var scope = NewDisposeScope();
        var d = TwoInputTwoOutput.Data(Samples, 41);
        var first = arange(Samples, ScalarType.Float32).remainder(3.0);          // 0, 1, 2, 0, 1, 2, ...
        var second = arange(Samples, ScalarType.Float32).div(Samples).add(0.5);   // 0.5 ... 1.46

        using var list = Compiled();
        var (se, ce) = PerSampleLosses(list, d.A, d.B, d.Sum, d.Larger);
        // Keras's default reduction: the weighted sum over the batch size.
        AssertLosses(OneStep(list, d, [first, second]), (se * first).sum().item<float>() / Samples, (ce * second).sum().item<float>() / Samples);

        using var byName = Compiled();
        (se, ce) = PerSampleLosses(byName, d.A, d.B, d.Sum, d.Larger);
        // Only "larger" is weighted; "sum" keeps its plain mean.
        AssertLosses(OneStep(byName, d, new Dictionary<string, Tensor> { ["larger"] = second }), se.mean().item<float>(), (ce * second).sum().item<float>() / Samples);
    }

    [Fact]
    public void One_sample_weight_tensor_applies_to_every_output()
    {
        using var scope = NewDisposeScope();
        var d = TwoInputTwoOutput.Data(Samples, 42);
        var weights = arange(Samples, ScalarType.Float32).remainder(2.0);   // every other sample counts
        using var model = Compiled();
        var (se, ce) = PerSampleLosses(model, d.A, d.B, d.Sum, d.Larger);
        AssertLosses(OneStep(model, d, weights), (se * weights).sum().item<float>() / Samples, (ce * weights).sum().item<float>() / Samples);
    }

    [Fact]
    public void Zero_sample_weights_leave_the_weights_that_only_that_output_trains_unchanged()
    {
        using var scope = NewDisposeScope();
        var d = TwoInputTwoOutput.Data(Samples, 43);
        using var model = Compiled();
        var sumKernel = model.GetLayer("sum").Weights[0];
        var larger = model.GetLayer("larger").Weights[0];
        var sumBefore = sumKernel.Numpy().ToArray<float>();
        var largerBefore = larger.Numpy().ToArray<float>();
        model.Fit([d.A, d.B], [d.Sum, d.Larger], batchSize: 8, epochs: 2, verbose: 0, sampleWeight: [zeros(Samples), ones(Samples)]);
        Assert.Equal(sumBefore, sumKernel.Numpy().ToArray<float>());
        Assert.NotEqual(largerBefore, larger.Numpy().ToArray<float>());
    }

    [Fact]
    public void Sample_weights_that_do_not_fit_the_outputs_are_errors_naming_them()
    {
        using var scope = NewDisposeScope();
        var d = TwoInputTwoOutput.Data(Samples, 44);
        using var model = Compiled();
        var e = Assert.Throws<ArgumentException>(() => OneStep(model, d, [ones(Samples)]));
        Assert.Equal("sampleWeight", e.ParamName);
        Assert.Contains("2 output(s) (['sum', 'larger'])", e.Message);

        e = Assert.Throws<ArgumentException>(() => OneStep(model, d, new Dictionary<string, Tensor> { ["total"] = ones(Samples) }));
        Assert.Contains("unknown output name(s) ['total']", e.Message);

        e = Assert.Throws<ArgumentException>(() => OneStep(model, d, [ones(Samples), ones(Samples - 1)]));
        Assert.Contains("output \"larger\"", e.Message);
        Assert.Contains($"shape ({Samples})", e.Message);
    }

    [Fact]
    public void ValidationSplit_holds_out_the_last_fraction_of_every_array_before_shuffling()
    {
        using var scope = NewDisposeScope();
        var d = TwoInputTwoOutput.Data(40, 45);
        using var model = Compiled();
        int batches = 0;
        var counter = new LambdaCallback(onTrainBatchEnd: (_, _) => batches++);
        var history = model.Fit([d.A, d.B], [d.Sum, d.Larger], batchSize: 10, epochs: 1, shuffle: true, verbose: 0, validationSplit: 0.25, callbacks: [counter]);

        Assert.Equal(3, batches);   // 30 training samples in batches of 10
        Assert.Equal(["loss", "sum_loss", "larger_loss", "larger_accuracy", "val_loss", "val_sum_loss", "val_larger_loss", "val_larger_accuracy"], history.Keys);
        // Validation ran after the epoch's last update: the same weights score the last 10 samples now.
        var last = model.Evaluate([d.A[30..], d.B[30..]], [d.Sum[30..], d.Larger[30..]], verbose: 0);
        foreach (var key in last.Keys) Assert.Equal(last[key], history["val_" + key][0], 1e-5);
        var firstTen = model.Evaluate([d.A[..10], d.B[..10]], [d.Sum[..10], d.Larger[..10]], verbose: 0);
        Assert.NotEqual(firstTen["loss"], history["val_loss"][0], 5);
    }

    [Fact]
    public void The_dictionary_overload_takes_validationSplit_and_validationData_by_name()
    {
        using var scope = NewDisposeScope();
        var d = TwoInputTwoOutput.Data(40, 46);
        var v = TwoInputTwoOutput.Data(16, 47);
        using var model = Compiled();
        Dictionary<string, Tensor> Inputs((Tensor A, Tensor B, Tensor, Tensor) t) => new() { ["b"] = t.B, ["a"] = t.A };
        Dictionary<string, Tensor> Labels((Tensor, Tensor, Tensor Sum, Tensor Larger) t) => new() { ["larger"] = t.Larger, ["sum"] = t.Sum };

        var history = model.Fit(Inputs(d), Labels(d), batchSize: 8, epochs: 2, verbose: 0, validationData: (Inputs(v), Labels(v)));
        Assert.Equal(["loss", "sum_loss", "larger_loss", "larger_accuracy", "val_loss", "val_sum_loss", "val_larger_loss", "val_larger_accuracy"], history.Keys);
        Assert.Equal(2, history["val_loss"].Count);
        var scored = model.Evaluate(Inputs(v), Labels(v), verbose: 0);
        foreach (var key in scored.Keys) Assert.Equal(scored[key], history["val_" + key][^1], 1e-5);

        int batches = 0;
        var counter = new LambdaCallback(onTrainBatchEnd: (_, _) => batches++);
        history = model.Fit(Inputs(d), Labels(d), batchSize: 8, epochs: 1, verbose: 0, validationSplit: 0.2, callbacks: [counter]);
        Assert.Equal(4, batches);   // 32 of 40 samples train
        var last = model.Evaluate([d.A[32..], d.B[32..]], [d.Sum[32..], d.Larger[32..]], verbose: 0);
        Assert.Equal(last["loss"], history["val_loss"][0], 1e-5);
    }

    [Fact]
    public void ClassWeight_with_several_outputs_is_an_error_that_says_to_use_sample_weights()
    {
        using var scope = NewDisposeScope();
        var d = TwoInputTwoOutput.Data(Samples, 48);
        using var model = Compiled();
        var before = model.GetWeights().Select(w => w.ToArray<float>()).ToArray();
        var classWeight = new Dictionary<int, double> { [0] = 1, [1] = 3 };

        var e = Assert.Throws<ArgumentException>(() => model.Fit([d.A, d.B], [d.Sum, d.Larger], verbose: 0, classWeight: classWeight));
        Assert.Equal("classWeight", e.ParamName);
        Assert.Contains("only supported for models with a single output", e.Message);
        Assert.Contains("sampleWeight", e.Message);
        var dataset = Dataset.FromTensorSlices(d.A, d.B).Zip(Dataset.FromTensorSlices(d.Sum, d.Larger)).Batch(8);
        e = Assert.Throws<ArgumentException>(() => model.Fit(dataset, verbose: 0, classWeight: classWeight));
        Assert.Equal("classWeight", e.ParamName);
        Assert.Equal(before, model.GetWeights().Select(w => w.ToArray<float>()).ToArray());   // refused before any step
    }
}
