using Pipeline.Models.Callbacks;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Callbacks;

public class CallbackHookTests
{
    sealed class Recorder : Callback
    {
        public List<string> Calls { get; } = [];
        public List<IReadOnlyDictionary<string, double>> EpochLogs { get; } = [];
        public List<IReadOnlyDictionary<string, double>> BatchLogs { get; } = [];
        public Model? SeenModel { get; private set; }
        public Func<int, bool>? StopAfterBatch { get; init; }

        public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs) { SeenModel = Model; Calls.Add("train_begin"); }
        public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => Calls.Add("train_end");
        public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) => Calls.Add($"epoch_begin {epoch}");
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { Calls.Add($"epoch_end {epoch}"); EpochLogs.Add(logs); }
        public override void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) => Calls.Add($"batch_begin {batch}");
        public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
        {
            Calls.Add($"batch_end {batch}");
            BatchLogs.Add(logs);
            if (StopAfterBatch?.Invoke(batch) == true) Model.StopTraining = true;
        }
        public override void OnTestBegin(IReadOnlyDictionary<string, double> logs) => Calls.Add("test_begin");
        public override void OnTestEnd(IReadOnlyDictionary<string, double> logs) { Calls.Add("test_end " + string.Join(",", logs.Keys)); }
        public override void OnTestBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) => Calls.Add($"test_batch_begin {batch}");
        public override void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => Calls.Add($"test_batch_end {batch}");
    }

    [Fact]
    public void Fit_calls_the_hooks_in_keras_order_with_validation_inside_each_epoch()
    {
        manual_seed(11);
        var (x, y) = TinyData.Blocks(48, seed: 11);
        using var model = CallbackTestKit.Compiled();
        var recorder = new Recorder();
        model.Fit(x, y, batchSize: 12, epochs: 2, validationSplit: 0.25, verbose: 0, callbacks: [recorder]);

        string[] epoch(int e) =>
        [
            $"epoch_begin {e}", "batch_begin 0", "batch_end 0", "batch_begin 1", "batch_end 1", "batch_begin 2", "batch_end 2",
            "test_begin", "test_batch_begin 0", "test_batch_end 0", "test_end loss,accuracy", $"epoch_end {e}",
        ];
        Assert.Equal(["train_begin", .. epoch(0), .. epoch(1), "train_end"], recorder.Calls);
        Assert.Same(model, recorder.SeenModel);
    }

    [Fact]
    public void Epoch_end_logs_are_what_history_records_and_batch_logs_hold_loss_and_metrics()
    {
        manual_seed(12);
        var (x, y) = TinyData.Blocks(48, seed: 12);
        using var model = CallbackTestKit.Compiled();
        var recorder = new Recorder();
        var history = model.Fit(x, y, batchSize: 12, epochs: 2, validationSplit: 0.25, verbose: 0, callbacks: [recorder]);

        Assert.Equal(2, recorder.EpochLogs.Count);
        foreach (var key in history.Keys)
            Assert.Equal(history[key], recorder.EpochLogs.Select(l => l[key]));
        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], recorder.EpochLogs[0].Keys);
        Assert.All(recorder.BatchLogs, l => Assert.Equal(["loss", "accuracy"], l.Keys));
        // The last batch's running mean over the epoch is the epoch's training loss.
        Assert.Equal(history["loss"][0], recorder.BatchLogs[2]["loss"], 12);
    }

    [Fact]
    public void Setting_StopTraining_in_a_batch_hook_ends_fit_after_that_batch_and_still_ends_the_epoch()
    {
        manual_seed(13);
        var (x, y) = TinyData.Blocks(48, seed: 13);
        using var model = CallbackTestKit.Compiled();
        var recorder = new Recorder { StopAfterBatch = b => b == 1 };
        var history = model.Fit(x, y, batchSize: 12, epochs: 5, verbose: 0, callbacks: [recorder]);

        Assert.Equal([0], history.Epochs);
        Assert.Equal(["train_begin", "epoch_begin 0", "batch_begin 0", "batch_end 0", "batch_begin 1", "batch_end 1", "epoch_end 0", "train_end"], recorder.Calls);
        Assert.True(model.StopTraining);
    }

    [Fact]
    public void Dataset_fit_and_evaluate_pass_callbacks_the_same_hooks()
    {
        manual_seed(18);
        var (x, y) = TinyData.Blocks(36, seed: 18);
        var (xv, yv) = TinyData.Blocks(12, seed: 19);
        var train = Dataset.FromTensorSlices(x, y).Batch(12);
        var validation = Dataset.FromTensorSlices(xv, yv).Batch(12);
        using var model = CallbackTestKit.Compiled();
        var fitRecorder = new Recorder();
        var history = model.Fit(train, epochs: 1, validationData: validation, verbose: 0, callbacks: [fitRecorder]);
        var evaluateRecorder = new Recorder();
        var scores = model.Evaluate(validation, verbose: 0, callbacks: [evaluateRecorder]);

        Assert.Equal(
            ["train_begin", "epoch_begin 0", "batch_begin 0", "batch_end 0", "batch_begin 1", "batch_end 1", "batch_begin 2", "batch_end 2",
             "test_begin", "test_batch_begin 0", "test_batch_end 0", "test_end loss,accuracy", "epoch_end 0", "train_end"],
            fitRecorder.Calls);
        Assert.Equal(history["val_loss"][0], fitRecorder.EpochLogs[0]["val_loss"]);
        Assert.Equal(["test_begin", "test_batch_begin 0", "test_batch_end 0", "test_end loss,accuracy"], evaluateRecorder.Calls);
        Assert.Equal(history["val_loss"][0], scores["loss"], 5);
    }

    [Fact]
    public void Fit_resets_StopTraining_so_a_stopped_model_can_train_again()
    {
        manual_seed(14);
        var (x, y) = TinyData.Blocks(24, seed: 14);
        using var model = CallbackTestKit.Compiled();
        model.StopTraining = true;
        var history = model.Fit(x, y, batchSize: 12, epochs: 2, verbose: 0, callbacks: []);
        Assert.Equal([0, 1], history.Epochs);
    }

    [Fact]
    public void Evaluate_calls_the_test_hooks_with_its_results()
    {
        manual_seed(15);
        var (x, y) = TinyData.Blocks(30, seed: 15);
        using var model = CallbackTestKit.Compiled();
        IReadOnlyDictionary<string, double>? ended = null;
        int batches = 0;
        var scores = model.Evaluate(x, y, batchSize: 10, verbose: 0, callbacks:
            [new Recorder(), new LambdaCallback(onTestEnd: logs => ended = logs)]);
        model.Evaluate(x, y, batchSize: 10, verbose: 0, callbacks: [new CountingTestBatches(() => batches++)]);

        Assert.NotNull(ended);
        Assert.Equal(scores, ended);
        Assert.Equal(3, batches);
    }

    sealed class CountingTestBatches(Action onBatch) : Callback
    {
        public override void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => onBatch();
    }

    [Fact]
    public void A_callback_reports_a_clear_error_when_its_model_is_read_before_fit()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Recorder().Model);
        Assert.Contains("Fit(", error.Message);
    }

    [Fact]
    public void A_null_entry_in_callbacks_is_rejected_naming_its_index()
    {
        var (x, y) = TinyData.Blocks(12, seed: 16);
        using var model = CallbackTestKit.Compiled();
        var error = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, callbacks: [new Recorder(), null!]));
        Assert.Contains("callbacks[1]", error.Message);
    }

    [Fact]
    public void LambdaCallback_runs_only_the_given_delegates_with_epochs_and_logs()
    {
        manual_seed(17);
        var (x, y) = TinyData.Blocks(24, seed: 17);
        using var model = CallbackTestKit.Compiled();
        var seen = new List<string>();
        var history = model.Fit(x, y, batchSize: 12, epochs: 2, verbose: 0, callbacks:
        [
            new LambdaCallback(
                onTrainBegin: _ => seen.Add("begin"),
                onEpochEnd: (epoch, logs) => seen.Add($"epoch {epoch} loss {logs["loss"]}"),
                onTrainBatchEnd: (batch, _) => seen.Add($"batch {batch}"),
                onTrainEnd: logs => seen.Add($"end {logs["loss"]}")),
        ]);

        Assert.Equal(
            ["begin", "batch 0", "batch 1", $"epoch 0 loss {history["loss"][0]}", "batch 0", "batch 1", $"epoch 1 loss {history["loss"][1]}", $"end {history["loss"][1]}"],
            seen);
    }
}
