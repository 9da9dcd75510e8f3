using Pipeline.Models.Callbacks;
using Pipeline.Models.Optimizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Callbacks;

public class EarlyStoppingTests
{
    static Dictionary<string, double> Logs(string key, double value) => new() { [key] = value };

    /// <summary>Feeds per-epoch values to the callback as Fit would and returns the epoch it stopped at (or -1).</summary>
    static int Drive(EarlyStopping callback, Model model, string key, params double[] values)
    {
        callback.SetModel(model);
        model.StopTraining = false;
        callback.OnTrainBegin(CallbackList.EmptyLogs);
        for (int epoch = 0; epoch < values.Length; epoch++)
        {
            callback.OnEpochEnd(epoch, Logs(key, values[epoch]));
            if (model.StopTraining) return epoch;
        }
        return -1;
    }

    [Fact]
    public void Stops_after_patience_epochs_without_improvement_of_val_loss()
    {
        using var model = CallbackTestKit.Compiled();
        var callback = new EarlyStopping(patience: 2);
        // Best at epoch 1; epochs 2 and 3 do not improve, so training stops after epoch 3.
        Assert.Equal(3, Drive(callback, model, "val_loss", 1.0, 0.8, 0.9, 0.85, 0.5));
        Assert.Equal(1, callback.BestEpoch);
        Assert.Equal(0.8, callback.Best);
        Assert.Equal(3, callback.StoppedEpoch);
    }

    [Fact]
    public void Auto_mode_maximizes_accuracy_and_patience_zero_stops_at_the_first_non_improvement()
    {
        using var model = CallbackTestKit.Compiled();
        Assert.Equal(2, Drive(new EarlyStopping(monitor: "val_accuracy"), model, "val_accuracy", 0.5, 0.6, 0.55));
        Assert.Equal(-1, Drive(new EarlyStopping(monitor: "val_accuracy", mode: "min"), model, "val_accuracy", 0.5, 0.4, 0.3));
    }

    [Fact]
    public void Changes_smaller_than_min_delta_do_not_count_as_improvement()
    {
        using var model = CallbackTestKit.Compiled();
        var callback = new EarlyStopping(monitor: "loss", minDelta: 0.1, patience: 1);
        Assert.Equal(1, Drive(callback, model, "loss", 1.0, 0.95, 0.5));
        Assert.Equal(0, callback.BestEpoch);
        // The sign of minDelta is ignored, as in Keras.
        Assert.Equal(1, Drive(new EarlyStopping(monitor: "loss", minDelta: -0.1, patience: 1), model, "loss", 1.0, 0.95));
    }

    [Fact]
    public void A_missing_monitor_neither_stops_nor_throws()
    {
        using var model = CallbackTestKit.Compiled();
        Assert.Equal(-1, Drive(new EarlyStopping(), model, "loss", 1.0, 2.0, 3.0));
    }

    [Fact]
    public void Bad_arguments_are_rejected_naming_the_argument()
    {
        Assert.Equal("mode", Assert.Throws<ArgumentException>(() => new EarlyStopping(mode: "biggest")).ParamName);
        var auto = Assert.Throws<ArgumentException>(() => new EarlyStopping(monitor: "val_precision"));
        Assert.Contains("mode", auto.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(patience: -1));
    }

    [Fact]
    public void Fit_with_a_frozen_model_stops_once_patience_runs_out()
    {
        manual_seed(21);
        var (x, y) = TinyData.Blocks(48, seed: 21);
        // A learning rate far below float32 resolution: val_loss never changes, so only epoch 0 is an improvement.
        using var model = CallbackTestKit.Compiled(new SGD(learningRate: 1e-30));
        var output = new StringWriter();
        model.ProgressWriter = output;
        var history = model.Fit(x, y, batchSize: 12, epochs: 10, validationSplit: 0.25, verbose: 0,
            callbacks: [new EarlyStopping(patience: 2, verbose: 1, restoreBestWeights: true)]);
        Assert.Equal([0, 1, 2], history.Epochs);
        Assert.Equal(
            ["Epoch 3: early stopping", "Restoring model weights from the end of the best epoch: 1."],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void RestoreBestWeights_puts_back_the_weights_of_the_best_epoch_when_training_stops()
    {
        manual_seed(22);
        var (x, y) = TinyData.Blocks(48, seed: 22);
        using var model = CallbackTestKit.Compiled();
        var predictions = new List<float[]>();
        float[] Outputs() => model.Predict(x, verbose: 0).ToArray<float>();
        // mode "max" on the loss makes epoch 0 the best while the weights keep changing.
        var stopping = new EarlyStopping(monitor: "loss", mode: "max", patience: 1, restoreBestWeights: true);
        var history = model.Fit(x, y, batchSize: 12, epochs: 10, verbose: 0, callbacks:
            [new LambdaCallback(onEpochEnd: (_, _) => predictions.Add(Outputs())), stopping]);

        Assert.True(history["loss"][1] < history["loss"][0], "the loss should fall in epoch 2 for this test to mean anything");
        Assert.Equal(1, stopping.StoppedEpoch);
        Assert.Equal(0, stopping.BestEpoch);
        var restored = Outputs();
        Assert.Equal(predictions[0], restored);
        Assert.NotEqual(predictions[1], restored);
    }

    [Fact]
    public void Without_restoreBestWeights_the_last_epochs_weights_stay()
    {
        manual_seed(23);
        var (x, y) = TinyData.Blocks(48, seed: 23);
        using var model = CallbackTestKit.Compiled();
        float[]? last = null;
        model.Fit(x, y, batchSize: 12, epochs: 10, verbose: 0, callbacks:
        [
            new LambdaCallback(onEpochEnd: (_, _) => last = model.Predict(x, verbose: 0).ToArray<float>()),
            new EarlyStopping(monitor: "loss", mode: "max", patience: 1),
        ]);
        Assert.Equal(last, model.Predict(x, verbose: 0).ToArray<float>());
    }
}
