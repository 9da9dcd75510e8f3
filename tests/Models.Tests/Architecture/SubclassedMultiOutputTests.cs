using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Saving;
using Pipeline.Models.Tests.Saving;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

/// <summary>
/// Subclassed models with several outputs, as Keras users write them (<c>call</c> returning <c>out_a, out_b</c> or a
/// dictionary): Compile with a list or dictionary of losses, Fit/Evaluate/Predict, Summary, errors, nesting in a
/// functional model, saving. The reference is the functional model of the same layers with the same initial weights.
/// </summary>
public class SubclassedMultiOutputTests
{
    /// <summary>Two heads over a shared hidden layer: "sum" (regression) and "larger" (two classes); outputs as a list.</summary>
    sealed class TwoHeads : Model
    {
        readonly Dense _hidden = new(16, activation: "relu", name: "hidden");
        readonly Dense _sum = new(1, name: "sum");
        readonly Dense _larger = new(2, activation: "softmax", name: "larger");

        public TwoHeads(string? name = null) : base(name) { }

        public override IReadOnlyList<Tensor> CallMany(IReadOnlyList<Tensor> inputs, bool training = false)
        {
            var x = inputs[0];
            return [_sum.Apply(x, training), _larger.Apply(_hidden.Apply(x, training), training)];
        }
    }

    /// <summary>The same network with named outputs (Keras's <c>return {"sum": ..., "larger": ...}</c>).</summary>
    sealed class NamedHeads : Model
    {
        readonly Dense _hidden = new(16, activation: "relu", name: "hidden");
        readonly Dense _sum = new(1, name: "sum");
        readonly Dense _larger = new(2, activation: "softmax", name: "larger");

        public override IReadOnlyDictionary<string, Tensor> CallNamed(IReadOnlyList<Tensor> inputs, bool training = false) =>
            new Dictionary<string, Tensor>
            {
                ["sum"] = _sum.Apply(inputs[0], training),
                ["larger"] = _larger.Apply(_hidden.Apply(inputs[0], training), training),
            };
    }

    /// <summary>x: 7 features; "sum" = Σx₀..₃ − Σx₄..₆; "larger" = [x₀ > x₄].</summary>
    static (Tensor X, Tensor Sum, Tensor Larger) Data(int samples, int seed)
    {
        var (a, b, sum, larger) = TwoInputTwoOutput.Data(samples, seed);
        return (cat([a, b], 1), sum, larger);
    }

    /// <summary>The functional model of the same layers (named alike), its weights copied from <paramref name="model"/>'s.</summary>
    static Model FunctionalTwin(Model model)
    {
        var x = new Input([7], name: "x");
        var sum = new Dense(1, name: "sum").Apply(x);
        var larger = new Dense(2, activation: "softmax", name: "larger").Apply(new Dense(16, activation: "relu", name: "hidden").Apply(x));
        var twin = new Model(x, [sum, larger]);
        foreach (var name in new[] { "hidden", "sum", "larger" })
            twin.GetLayer(name).SetWeights(model.GetLayer(name).GetWeights());
        return twin;
    }

    static void AssertSameSeries(History expected, History actual, IReadOnlyList<(string Expected, string Actual)> keys)
    {
        Assert.Equal(keys.Count, actual.Keys.Count);
        foreach (var (e, a) in keys)
        {
            Assert.Equal(expected[e].Count, actual[a].Count);
            for (int i = 0; i < expected[e].Count; i++) Assert.Equal(expected[e][i], actual[a][i], 1e-5);
        }
    }

    [Fact]
    public void A_subclassed_model_returning_a_list_trains_like_the_functional_model_of_its_layers_with_a_list_of_losses()
    {
        using var scope = NewDisposeScope();
        var (x, sum, larger) = Data(96, 1);
        var (vx, vsum, vlarger) = Data(32, 2);
        using var model = new TwoHeads();
        // Compiled before it knows its outputs, as in Keras: the losses are matched to the outputs when Fit builds it.
        model.Compile(new SGD(learningRate: 0.05), ["mse", "sparse_categorical_crossentropy"], metrics: [[], ["accuracy"]]);
        model.Build([7]);
        using var twin = FunctionalTwin(model);
        twin.Compile(new SGD(learningRate: 0.05), ["mse", "sparse_categorical_crossentropy"], metrics: [[], ["accuracy"]]);

        var expected = twin.Fit([x], [sum, larger], batchSize: 16, epochs: 3, shuffle: false, verbose: 0, validationData: ([vx], [vsum, vlarger]));
        var actual = model.Fit([x], [sum, larger], batchSize: 16, epochs: 3, shuffle: false, verbose: 0, validationData: ([vx], [vsum, vlarger]));

        // tf.keras's names for a subclassed model's list outputs: output_1, output_2.
        Assert.Equal(["loss", "output_1_loss", "output_2_loss", "output_2_accuracy", "val_loss", "val_output_1_loss", "val_output_2_loss", "val_output_2_accuracy"], actual.Keys);
        AssertSameSeries(expected, actual, [
            ("loss", "loss"), ("sum_loss", "output_1_loss"), ("larger_loss", "output_2_loss"), ("larger_accuracy", "output_2_accuracy"),
            ("val_loss", "val_loss"), ("val_sum_loss", "val_output_1_loss"), ("val_larger_loss", "val_output_2_loss"), ("val_larger_accuracy", "val_output_2_accuracy")]);
        Assert.True(actual["loss"][^1] < actual["loss"][0]);
        Assert.Equal(["loss", "output_1_loss", "output_2_loss", "output_2_accuracy"], model.MetricsNames);

        var scores = model.Evaluate([vx], [vsum, vlarger], verbose: 0);
        var twinScores = twin.Evaluate([vx], [vsum, vlarger], verbose: 0);
        Assert.Equal(twinScores["larger_loss"], scores["output_2_loss"], 1e-5);
    }

    [Fact]
    public void A_subclassed_model_compiled_before_its_first_call_builds_from_the_data_given_to_fit()
    {
        using var scope = NewDisposeScope();
        var (x, sum, larger) = Data(40, 3);
        using var model = new TwoHeads();
        model.Compile("adam", ["mse", "sparse_categorical_crossentropy"]);
        Assert.False(model.Built);
        var history = model.Fit([x], [sum, larger], batchSize: 8, epochs: 2, verbose: 0);
        Assert.True(model.Built);
        Assert.Equal([[1], [2]], model.OutputShapes);
        Assert.Equal(["loss", "output_1_loss", "output_2_loss"], history.Keys);
        Assert.Equal(16 * 7 + 16 + 2 * 16 + 2 + 7 + 1, model.CountParams());
    }

    [Fact]
    public void A_subclassed_model_returning_a_dictionary_names_its_outputs_by_key_and_trains_like_the_functional_model()
    {
        using var scope = NewDisposeScope();
        var (x, sum, larger) = Data(80, 4);
        using var model = new NamedHeads();
        var losses = new Dictionary<string, Losses.Loss> { ["sum"] = "mae", ["larger"] = "sparse_categorical_crossentropy" };
        var weights = new Dictionary<string, double> { ["sum"] = 0.5, ["larger"] = 2.0 };
        var metrics = new Dictionary<string, string[]> { ["larger"] = ["accuracy"] };
        model.Compile(new Adam(learningRate: 0.01), losses, lossWeights: weights, metrics: metrics);
        model.Build([7]);
        using var twin = FunctionalTwin(model);
        twin.Compile(new Adam(learningRate: 0.01), losses, lossWeights: weights, metrics: metrics);

        // Labels by output name; the subclassed model's single input is "input_1", as tf.keras names it.
        var expected = twin.Fit(new Dictionary<string, Tensor> { ["x"] = x }, new Dictionary<string, Tensor> { ["sum"] = sum, ["larger"] = larger },
            batchSize: 16, epochs: 3, shuffle: false, verbose: 0);
        var actual = model.Fit(new Dictionary<string, Tensor> { ["input_1"] = x }, new Dictionary<string, Tensor> { ["larger"] = larger, ["sum"] = sum },
            batchSize: 16, epochs: 3, shuffle: false, verbose: 0);

        // Outputs in the keys' ordinal order, as Keras flattens a dictionary: larger, then sum.
        Assert.Equal(["loss", "larger_loss", "sum_loss", "larger_accuracy"], actual.Keys);
        AssertSameSeries(expected, actual, [("loss", "loss"), ("sum_loss", "sum_loss"), ("larger_loss", "larger_loss"), ("larger_accuracy", "larger_accuracy")]);
        var result = model.Evaluate([x], [larger, sum], verbose: 0);
        Assert.Equal(0.5 * result["sum_loss"] + 2.0 * result["larger_loss"], result["loss"], 1e-4);
    }

    [Fact]
    public void A_built_subclassed_model_trains_from_a_dataset_of_labels_by_output_name_as_from_tensors()
    {
        using var scope = NewDisposeScope();
        var (x, sum, larger) = Data(64, 10);
        using var fromDataset = new NamedHeads();
        fromDataset.Build([7]);
        using var inMemory = new NamedHeads();
        inMemory.Build([7]);
        inMemory.SetWeights(fromDataset.GetWeights());
        foreach (var model in new Model[] { fromDataset, inMemory })
            model.Compile(new SGD(learningRate: 0.05), new Dictionary<string, Losses.Loss> { ["sum"] = "mse", ["larger"] = "sparse_categorical_crossentropy" });

        var dataset = Dataset.FromTensorSlices(x).Zip(Dataset.FromTensorSlices(new Dictionary<string, Tensor> { ["sum"] = sum, ["larger"] = larger })).Batch(16);
        var actual = fromDataset.Fit(dataset, epochs: 2, verbose: 0);
        var expected = inMemory.Fit([x], [larger, sum], batchSize: 16, epochs: 2, shuffle: false, verbose: 0);
        AssertSameSeries(expected, actual, [("loss", "loss"), ("larger_loss", "larger_loss"), ("sum_loss", "sum_loss")]);

        var predicted = fromDataset.Predict<Tensor>(Dataset.FromTensorSlices(x).Batch(16), verbose: 0);   // one array per output
        Assert.Equal([64, 2], predicted[0].shape);
        Assert.Equal([64, 1], predicted[1].shape);

        // A dataset cannot build a model: its names are needed before the first batch.
        using var unbuilt = new NamedHeads();
        unbuilt.Compile("sgd", "mse");
        var e = Assert.Throws<InvalidOperationException>(() => unbuilt.Fit(dataset, verbose: 0));
        Assert.Contains("has not been built yet", e.Message);
    }

    [Fact]
    public void Predict_returns_one_array_per_output_equal_to_calling_the_model()
    {
        using var scope = NewDisposeScope();
        var (x, _, _) = Data(50, 5);
        using var model = new TwoHeads();
        var predictions = model.Predict([x], batchSize: 16, verbose: 0);   // builds the model from x
        Assert.Equal(2, predictions.Length);
        Assert.Equal([50, 1], predictions[0].shape);
        Assert.Equal([50, 2], predictions[1].shape);
        var outputs = model.ApplyMany([x]);
        for (int i = 0; i < 2; i++)
            Assert.True(tensor(predictions[i].ToArray<float>()).reshape(outputs[i].shape).allclose(outputs[i], rtol: 1e-5, atol: 1e-6), $"output {i}");

        using var named = new NamedHeads();
        var byName = named.Predict([x], verbose: 0);
        Assert.Equal([50, 2], byName[0].shape);   // "larger" comes before "sum"
        Assert.Equal([50, 1], byName[1].shape);
    }

    [Fact]
    public void Single_tensor_calls_on_a_model_with_two_outputs_fail_naming_the_model_and_both_counts()
    {
        using var scope = NewDisposeScope();
        var (x, sum, larger) = Data(20, 6);
        using var model = new TwoHeads(name: "heads");
        model.Compile("sgd", ["mse", "sparse_categorical_crossentropy"]);

        var tooFew = Assert.Throws<ArgumentException>(() => model.Fit([x], [sum], verbose: 0));
        Assert.Contains("model \"heads\" has 2 output(s) (['output_1', 'output_2']) but received 1 label tensor(s)", tooFew.Message);
        var tooMany = Assert.Throws<ArgumentException>(() => model.Evaluate([x], [sum, larger, larger], verbose: 0));
        Assert.Contains("has 2 output(s)", tooMany.Message);
        Assert.Contains("received 3 label tensor(s)", tooMany.Message);

        var single = Assert.Throws<ArgumentException>(() => model.Fit(x, sum, verbose: 0));
        Assert.Contains("model \"heads\" has 2 outputs", single.Message);
        Assert.Contains("received 1 label tensor", single.Message);
        var predict = Assert.Throws<ArgumentException>(() => model.Predict(x, verbose: 0));
        Assert.Contains("Predict([x])", predict.Message);
        Assert.Throws<InvalidOperationException>(() => model.Apply(x));   // ApplyMany returns both

        var losses = Assert.Throws<ArgumentException>(() => model.Compile("sgd", ["mse", "mse", "mse"]));
        Assert.Contains("model \"heads\" has 2 output(s) (['output_1', 'output_2']) but loss has 3 entries", losses.Message);
        var keys = Assert.Throws<ArgumentException>(() => model.Compile("sgd", new Dictionary<string, Losses.Loss> { ["sum"] = "mse" }));
        Assert.Contains("['output_1', 'output_2']", keys.Message);
    }

    [Fact]
    public void A_list_of_losses_of_the_wrong_length_given_before_the_build_fails_when_fit_builds_the_model()
    {
        using var scope = NewDisposeScope();
        var (x, sum, _) = Data(20, 7);
        using var model = new TwoHeads(name: "heads");
        model.Compile("sgd", ["mse"]);
        var e = Assert.Throws<ArgumentException>(() => model.Fit([x], [sum], verbose: 0));
        Assert.Contains("model \"heads\" has 2 output(s) (['output_1', 'output_2']) but loss has 1 entries", e.Message);
    }

    [Fact]
    public void Dictionaries_of_an_unbuilt_subclassed_model_ask_for_a_build_first()
    {
        using var model = new TwoHeads(name: "heads");
        model.Compile("sgd", "mse");
        using var x = zeros(4, 7);
        var e = Assert.Throws<InvalidOperationException>(() => model.Fit(new Dictionary<string, Tensor> { ["input_1"] = x }, new Dictionary<string, Tensor>(), verbose: 0));
        Assert.Contains("model \"heads\" has not been built yet", e.Message);
        Assert.Contains("Build(inputShape)", e.Message);
    }

    [Fact]
    public void Summary_of_a_subclassed_two_output_model_is_keras_s_table()
    {
        using var model = new TwoHeads(name: "two_heads");
        Assert.Contains("has not yet been built", Assert.Throws<InvalidOperationException>(() => model.Summary(_ => { })).Message);
        model.Build([7]);
        var lines = new List<string>();
        model.Summary(lines.Add);
        string[] expected =
        [
            "Model: \"two_heads\"",
            "_________________________________________________________________",
            " Layer (type)                Output Shape              Param #   ",
            "=================================================================",
            " hidden (Dense)              multiple                  128       ",
            "                                                                 ",
            " sum (Dense)                 multiple                  8         ",
            "                                                                 ",
            " larger (Dense)              multiple                  34        ",
            "                                                                 ",
            "=================================================================",
            "Total params: 170",
            "Trainable params: 170",
            "Non-trainable params: 0",
            "_________________________________________________________________",
        ];
        Assert.Equal(expected, lines);
    }

    [Fact]
    public void A_subclassed_two_output_model_nested_in_a_functional_model_gives_both_outputs_and_trains()
    {
        using var scope = NewDisposeScope();
        var (x, sum, larger) = Data(64, 8);
        var heads = new TwoHeads(name: "heads");
        var input = new Input([7], name: "features");
        var outputs = heads.ApplyMany([input]);   // builds the nested model by running it once
        Assert.Equal([[1], [2]], outputs.Select(o => o.Shape.ToArray()));
        var scaled = new Rescaling(2.0, name: "scaled").Apply(outputs[0]);
        using var model = new Model(input, [outputs[0], outputs[1], scaled]);

        var predictions = model.Predict([x], verbose: 0);
        var direct = heads.ApplyMany([x]);
        Assert.True(tensor(predictions[0].ToArray<float>()).reshape(64, 1).allclose(direct[0], atol: 1e-6));
        Assert.True(tensor(predictions[1].ToArray<float>()).reshape(64, 2).allclose(direct[1], atol: 1e-6));
        Assert.True(tensor(predictions[2].ToArray<float>()).reshape(64, 1).allclose(direct[0] * 2, atol: 1e-5));

        // The nested model's two outputs are named after it, made unique as tf.keras does.
        model.Compile(new Adam(learningRate: 0.01), ["mse", "sparse_categorical_crossentropy", "mse"]);
        var history = model.Fit([x], [sum, larger, sum * 2], batchSize: 16, epochs: 4, verbose: 0);
        Assert.Equal(["loss", "heads_loss", "heads_1_loss", "scaled_loss"], history.Keys);
        Assert.True(history["loss"][^1] < history["loss"][0]);

        var lines = new List<string>();
        model.Summary(lines.Add);
        Assert.Contains(lines, l => l.StartsWith(" heads (TwoHeads)", StringComparison.Ordinal) && l.Contains("[(None, 1),", StringComparison.Ordinal));
    }

    [Fact]
    public void A_registered_subclassed_two_output_model_saves_and_loads_with_the_same_predictions()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempDir();
        var (x, sum, larger) = Data(32, 9);
        using var model = new SavedTwoHeads(units: 8);
        model.Compile("adam", ["mse", "sparse_categorical_crossentropy"], metrics: [[], ["accuracy"]]);
        model.Fit([x], [sum, larger], batchSize: 8, epochs: 1, verbose: 0);
        var expected = model.Predict([x], verbose: 0);
        var expectedScores = model.Evaluate([x], [sum, larger], verbose: 0);

        var path = folder.File("heads.keras");
        model.Save(path);
        using var restored = Models.LoadModel(path);
        Assert.IsType<SavedTwoHeads>(restored);
        var actual = restored.Predict([x], verbose: 0);
        Assert.Equal(2, actual.Length);
        for (int i = 0; i < 2; i++) SavingTestKit.AssertBitIdentical(expected[i], actual[i]);
        // The per-output losses and metrics come back under the outputs' names (output_1, output_2).
        var scores = restored.Evaluate([x], [sum, larger], verbose: 0);
        Assert.Equal(["loss", "output_1_loss", "output_2_loss", "output_2_accuracy"], scores.Keys);
        Assert.Equal(expectedScores, scores);
    }
}

/// <summary>A two-output subclassed model registered for saving (top level, as registered classes must be found by name).</summary>
[KerasSerializable(package: "SubclassedMultiOutputTests")]
public sealed class SavedTwoHeads : Model
{
    readonly Dense _hidden;
    readonly Dense _sum = new(1);
    readonly Dense _larger = new(2, activation: "softmax");

    public SavedTwoHeads(int units, string? name = null) : base(name)
    {
        Units = units;
        _hidden = new Dense(units, activation: "relu");
    }

    public int Units { get; }

    public override IReadOnlyList<Tensor> CallMany(IReadOnlyList<Tensor> inputs, bool training = false) =>
        [_sum.Apply(inputs[0], training), _larger.Apply(_hidden.Apply(inputs[0], training), training)];

    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["units"] = Units;
        return config;
    }
}
