using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

/// <summary>
/// A functional model with two inputs and two outputs through Compile/Fit/Evaluate/Predict, as Keras takes them: inputs
/// and labels as lists (model order) or dictionaries (layer names), one loss per output, loss weights, per-output
/// metrics, and Keras's log names ("loss", "sum_loss", "larger_accuracy").
/// </summary>
[Collection(GlobalRandomState.Name)]   // seeds libtorch's global generator and compares models built from it
public class MultiOutputFitTests
{
    static Model TwoByTwo() => TwoInputTwoOutput.Build();

    static (Tensor A, Tensor B, Tensor Sum, Tensor Larger) Data(int samples, int seed) => TwoInputTwoOutput.Data(samples, seed);

    [Fact]
    public void A_two_input_two_output_model_learns_both_targets_and_logs_each_output_as_keras_does()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var model = TwoByTwo();
        model.Compile(new Adam(learningRate: 0.02), ["mse", "sparse_categorical_crossentropy"], metrics: [[], ["accuracy"]]);
        var (a, b, sum, larger) = Data(512, 1);
        var (va, vb, vsum, vlarger) = Data(128, 2);
        var history = model.Fit([a, b], [sum, larger], batchSize: 32, epochs: 25, verbose: 0, validationData: ([va, vb], [vsum, vlarger]));

        Assert.Equal(["loss", "sum_loss", "larger_loss", "larger_accuracy", "val_loss", "val_sum_loss", "val_larger_loss", "val_larger_accuracy"], history.Keys);
        Assert.Equal(["loss", "sum_loss", "larger_loss", "larger_accuracy"], model.MetricsNames);
        Assert.True(history["val_sum_loss"][^1] < 0.01, $"val_sum_loss {history["val_sum_loss"][^1]}");
        Assert.True(history["val_larger_accuracy"][^1] > 0.9, $"val_larger_accuracy {history["val_larger_accuracy"][^1]}");
        Assert.True(history["loss"][^1] < history["loss"][0] / 10);

        var predictions = model.Predict([va, vb], verbose: 0);
        Assert.Equal(2, predictions.Length);
        Assert.Equal([128, 1], predictions[0].shape);
        Assert.Equal([128, 2], predictions[1].shape);
    }

    [Fact]
    public void The_loss_is_the_weighted_sum_of_the_outputs_losses()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        using var model = TwoByTwo();
        model.Compile("sgd", new Dictionary<string, Losses.Loss> { ["sum"] = "mae", ["larger"] = "sparse_categorical_crossentropy" },
            lossWeights: new Dictionary<string, double> { ["sum"] = 0.5, ["larger"] = 2.0 });
        var (a, b, sum, larger) = Data(100, 3);
        var result = model.Evaluate([a, b], [sum, larger], batchSize: 40, verbose: 0);
        Assert.Equal(["loss", "sum_loss", "larger_loss"], result.Keys);
        Assert.Equal(0.5 * result["sum_loss"] + 2.0 * result["larger_loss"], result["loss"], 4);

        // The per-output losses against the predictions, computed here.
        var predictions = model.Predict([a, b], verbose: 0);
        using var predictedSum = tensor(predictions[0].ToArray<float>()).reshape(100, 1);
        using var probabilities = tensor(predictions[1].ToArray<float>()).reshape(100, 2);
        double mae = (predictedSum - sum).abs().mean().item<float>();
        double crossentropy = -probabilities.log().gather(1, larger.unsqueeze(1)).mean().item<float>();
        Assert.Equal(mae, result["sum_loss"], 4);
        Assert.Equal(crossentropy, result["larger_loss"], 4);
    }

    [Fact]
    public void Inputs_and_labels_by_name_are_the_same_as_in_model_order()
    {
        using var scope = NewDisposeScope();
        manual_seed(13);
        using var model = TwoByTwo();
        model.Compile("adam", ["mse", "sparse_categorical_crossentropy"], metrics: [[], ["accuracy"]]);
        var (a, b, sum, larger) = Data(64, 4);
        var byOrder = model.Evaluate([a, b], [sum, larger], verbose: 0);
        var byName = model.Evaluate(new Dictionary<string, Tensor> { ["b"] = b, ["a"] = a }, new Dictionary<string, Tensor> { ["larger"] = larger, ["sum"] = sum }, verbose: 0);
        Assert.Equal(byOrder.Keys, byName.Keys);
        foreach (var key in byOrder.Keys) Assert.Equal(byOrder[key], byName[key], 6);
        Assert.Contains("larger_accuracy", byOrder.Keys);

        var history = model.Fit(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b }, new Dictionary<string, Tensor> { ["sum"] = sum, ["larger"] = larger }, epochs: 2, verbose: 0);
        Assert.Equal(2, history["larger_accuracy"].Count);
    }

    [Fact]
    public void One_loss_for_a_two_output_model_applies_to_both_outputs()
    {
        using var scope = NewDisposeScope();
        manual_seed(14);
        var input = new Input([3], name: "x");
        var first = new Dense(2, name: "first").Apply(input);
        var second = new Dense(2, name: "second").Apply(input);
        using var model = new Model([input], [first, second]);
        model.Compile("sgd", "mse");
        var x = randn(20, 3);
        var result = model.Evaluate([x], [zeros(20, 2), ones(20, 2)], verbose: 0);
        Assert.Equal(["loss", "first_loss", "second_loss"], result.Keys);
        Assert.Equal(result["first_loss"] + result["second_loss"], result["loss"], 4);
    }

    [Fact]
    public void A_missing_or_unknown_loss_names_the_output()
    {
        using var model = TwoByTwo();
        var e = Assert.Throws<ArgumentException>(() => model.Compile("adam", new Dictionary<string, Losses.Loss> { ["sum"] = "mse" }));
        Assert.Contains("no loss for output \"larger\"", e.Message);
        Assert.Equal("loss", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => model.Compile("adam", new Dictionary<string, Losses.Loss> { ["sum"] = "mse", ["larger"] = "mse", ["dense_9"] = "mse" }));
        Assert.Contains("'dense_9'", e.Message);
        Assert.Contains("['sum', 'larger']", e.Message);

        e = Assert.Throws<ArgumentException>(() => model.Compile("adam", ["mse"]));
        Assert.Contains("2 output(s)", e.Message);
    }

    [Fact]
    public void Wrong_input_counts_shapes_and_labels_are_errors_naming_the_input_or_output()
    {
        using var scope = NewDisposeScope();
        using var model = TwoByTwo();
        model.Compile("adam", ["mse", "sparse_categorical_crossentropy"]);
        var (a, b, sum, larger) = Data(16, 5);
        var e = Assert.Throws<ArgumentException>(() => model.Fit([a], [sum, larger], verbose: 0));
        Assert.Contains("2 input(s)", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Fit([a, a], [sum, larger], verbose: 0));
        Assert.Contains("\"b\"", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Fit([a, b], [sum, larger + 5], verbose: 0));
        Assert.Contains("output \"larger\"", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Fit(new Dictionary<string, Tensor> { ["a"] = a }, new Dictionary<string, Tensor> { ["sum"] = sum, ["larger"] = larger }, verbose: 0));
        Assert.Contains("no tensor for the input \"b\"", e.Message);
        // The single-tensor Fit is for one output and says so.
        Assert.ThrowsAny<Exception>(() => model.Fit(a, sum, verbose: 0));
    }
}
