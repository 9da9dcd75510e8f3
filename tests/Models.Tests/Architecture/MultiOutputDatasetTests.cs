using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

/// <summary>
/// A functional model with two inputs and two outputs trained, scored and run from a Dataset, as Keras's
/// <c>model.fit(ds)</c> takes one yielding <c>((x1, x2), (y1, y2))</c> or <c>({"a": x1, ...}, {"sum": y1, ...})</c> batches:
/// the same step loop as for tensors in memory, so the same losses, and structure errors naming the input or output.
/// </summary>
[Collection(GlobalRandomState.Name)]   // seeds libtorch's global generator and compares models built from it
public class MultiOutputDatasetTests
{
    static Model TwoByTwo(int seed)
    {
        manual_seed(seed);   // the same initial weights for every model built with this seed
        var model = TwoInputTwoOutput.Build();
        model.Compile(new Adam(learningRate: 0.01), ["mse", "sparse_categorical_crossentropy"], lossWeights: [0.5, 1.0], metrics: [[], ["accuracy"]]);
        return model;
    }

    static (Tensor A, Tensor B, Tensor Sum, Tensor Larger) Data(int samples, int seed) => TwoInputTwoOutput.Data(samples, seed);

    static Dataset<((Tensor, Tensor), (Tensor, Tensor))> Tuples((Tensor A, Tensor B, Tensor Sum, Tensor Larger) d, int batchSize) =>
        Dataset.FromTensorSlices(d.A, d.B).Zip(Dataset.FromTensorSlices(d.Sum, d.Larger)).Batch(batchSize);

    static Dataset<(Dictionary<string, Tensor>, Dictionary<string, Tensor>)> Dictionaries((Tensor A, Tensor B, Tensor Sum, Tensor Larger) d, int batchSize) =>
        Dataset.FromTensorSlices(new Dictionary<string, Tensor> { ["b"] = d.B, ["a"] = d.A })
            .Zip(Dataset.FromTensorSlices(new Dictionary<string, Tensor> { ["larger"] = d.Larger, ["sum"] = d.Sum }))
            .Batch(batchSize);

    static void AssertSameHistory(History expected, History actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var key in expected.Keys)
            for (int epoch = 0; epoch < expected[key].Count; epoch++)
                Assert.Equal(expected[key][epoch], actual[key][epoch], 5);
    }

    [Fact]
    public void Training_from_a_dataset_of_tuples_gives_the_losses_of_the_same_tensors_in_memory()
    {
        using var scope = NewDisposeScope();
        var train = Data(96, 1);
        var val = Data(40, 2);
        using var inMemory = TwoByTwo(seed: 21);
        var expected = inMemory.Fit([train.A, train.B], [train.Sum, train.Larger], batchSize: 16, epochs: 3, shuffle: false, verbose: 0,
            validationData: ([val.A, val.B], [val.Sum, val.Larger]));

        using var fromDataset = TwoByTwo(seed: 21);
        var actual = fromDataset.Fit(Tuples(train, 16), epochs: 3, validationData: Tuples(val, 16), verbose: 0);

        Assert.Equal(["loss", "sum_loss", "larger_loss", "larger_accuracy", "val_loss", "val_sum_loss", "val_larger_loss", "val_larger_accuracy"], actual.Keys);
        AssertSameHistory(expected, actual);
        Assert.True(actual["loss"][^1] < actual["loss"][0], "training lowered the loss");
    }

    [Fact]
    public void Training_from_a_dataset_of_dictionaries_keyed_by_layer_name_gives_the_same_losses_in_any_key_order()
    {
        using var scope = NewDisposeScope();
        var train = Data(96, 3);
        using var inMemory = TwoByTwo(seed: 22);
        var expected = inMemory.Fit([train.A, train.B], [train.Sum, train.Larger], batchSize: 32, epochs: 2, shuffle: false, verbose: 0);
        using var fromDataset = TwoByTwo(seed: 22);
        var actual = fromDataset.Fit(Dictionaries(train, 32), epochs: 2, verbose: 0);
        AssertSameHistory(expected, actual);

        // Evaluate and Predict (on a dataset of inputs only) agree with their in-memory forms too.
        var scored = fromDataset.Evaluate(Dictionaries(train, 40), verbose: 0);
        var scoredInMemory = fromDataset.Evaluate([train.A, train.B], [train.Sum, train.Larger], batchSize: 40, verbose: 0);
        Assert.Equal(scoredInMemory.Keys, scored.Keys);
        foreach (var key in scored.Keys) Assert.Equal(scoredInMemory[key], scored[key], 5);

        var predicted = fromDataset.Predict(Dataset.FromTensorSlices(train.A, train.B).Batch(40), verbose: 0);
        var predictedInMemory = fromDataset.Predict([train.A, train.B], verbose: 0);
        Assert.Equal(2, predicted.Length);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(predictedInMemory[i].shape, predicted[i].shape);
            Assert.Equal(predictedInMemory[i].ToArray<float>(), predicted[i].ToArray<float>());
        }
    }

    [Fact]
    public void An_endless_dataset_needs_stepsPerEpoch_and_then_continues_across_epochs()
    {
        using var scope = NewDisposeScope();
        var train = Data(64, 4);
        using var model = TwoByTwo(seed: 23);
        var before = model.GetWeights().Select(w => w.ToArray<float>()).ToArray();
        var e = Assert.Throws<ArgumentException>(() => model.Fit(Tuples(train, 16).Repeat(), epochs: 2, verbose: 0));
        Assert.Contains("stepsPerEpoch", e.Message);
        Assert.Equal(before, model.GetWeights().Select(w => w.ToArray<float>()).ToArray());   // refused before any step

        // 4 batches of 16 per epoch over a repeated 64-sample dataset is exactly two passes over the tensors.
        var repeated = model.Fit(Tuples(train, 16).Repeat(), epochs: 2, stepsPerEpoch: 4, verbose: 0);
        using var inMemory = TwoByTwo(seed: 23);
        var expected = inMemory.Fit([train.A, train.B], [train.Sum, train.Larger], batchSize: 16, epochs: 2, shuffle: false, verbose: 0);
        AssertSameHistory(expected, repeated);
    }

    [Fact]
    public void A_dataset_whose_structure_does_not_fit_the_model_is_an_error_naming_the_input_or_output()
    {
        using var scope = NewDisposeScope();
        var d = Data(32, 5);
        using var model = TwoByTwo(seed: 24);

        var unknown = Dataset.FromTensorSlices(new Dictionary<string, Tensor> { ["a"] = d.A, ["c"] = d.B })
            .Zip(Dataset.FromTensorSlices(new Dictionary<string, Tensor> { ["sum"] = d.Sum, ["larger"] = d.Larger })).Batch(8);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(unknown, verbose: 0));
        Assert.Contains("unknown input name(s) ['c']", e.Message);
        Assert.Contains("['a', 'b']", e.Message);
        Assert.Equal("dataset", e.ParamName);

        var missing = Dataset.FromTensorSlices(new Dictionary<string, Tensor> { ["a"] = d.A, ["b"] = d.B })
            .Zip(Dataset.FromTensorSlices(new Dictionary<string, Tensor> { ["sum"] = d.Sum })).Batch(8);
        e = Assert.Throws<ArgumentException>(() => model.Evaluate(missing, verbose: 0));
        Assert.Contains("no tensor for the output \"larger\"", e.Message);

        var oneLabel = Dataset.FromTensorSlices(d.A, d.B).Zip(Dataset.FromTensorSlices(d.Sum)).Batch(8);
        e = Assert.Throws<ArgumentException>(() => model.Fit(oneLabel, verbose: 0));
        Assert.Contains("2 output(s) (['sum', 'larger'])", e.Message);
        Assert.Contains("1 output tensor(s)", e.Message);

        var swapped = Dataset.FromTensorSlices(d.B, d.A).Zip(Dataset.FromTensorSlices(d.Sum, d.Larger)).Batch(8);
        e = Assert.Throws<ArgumentException>(() => model.Fit(swapped, verbose: 0));
        Assert.Contains("input 0 (\"a\")", e.Message);

        var badLabels = Dataset.FromTensorSlices(d.A, d.B).Zip(Dataset.FromTensorSlices(d.Sum, d.Larger + 5)).Batch(8);
        e = Assert.Throws<ArgumentException>(() => model.Fit(Tuples(d, 8), validationData: badLabels, verbose: 0));
        Assert.Contains("output \"larger\"", e.Message);
        Assert.StartsWith("validationData", e.ParamName);

        var notTensors = Dataset.FromTensorSlices(d.A, d.B).Zip(Dataset.FromTensorSlices(new[] { 1, 2 }));
        e = Assert.Throws<ArgumentException>(() => model.Fit(notTensors, verbose: 0));
        Assert.Contains("Int32", e.Message);
    }

    [Fact]
    public void A_one_output_model_compiled_with_a_loss_dictionary_trains_from_a_dataset_of_tensor_pairs()
    {
        using var scope = NewDisposeScope();
        var d = Data(64, 6);
        manual_seed(25);
        var input = new Input([4], name: "a");
        using var model = new Model([input], [new Dense(1, name: "sum").Apply(input)]);
        model.Compile(new Adam(learningRate: 0.05), new Dictionary<string, Losses.Loss> { ["sum"] = "mse" });
        var target = d.A.sum(1, keepdim: true);
        var history = model.Fit(Dataset.FromTensorSlices(d.A, target).Batch(16), epochs: 5, verbose: 0);
        Assert.Equal(["loss"], history.Keys);
        Assert.True(history["loss"][^1] < history["loss"][0], "training lowered the loss");
        var scored = model.Evaluate(Dataset.FromTensorSlices(d.A, target).Batch(16), verbose: 0);
        Assert.Equal(model.Evaluate([d.A], [target], verbose: 0)["loss"], scored["loss"], 5);
    }
}
