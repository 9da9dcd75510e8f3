using Pipeline.Models.Callbacks;
using Pipeline.Records;
using static TorchSharp.torch;
using TB = Pipeline.Records.TensorBoard;

namespace Pipeline.Models.Tests.Callbacks;

public sealed class TensorBoardTests : IDisposable
{
    readonly CallbackTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    static string OnlyEventFile(string dir)
    {
        var files = Directory.GetFiles(dir);
        var file = Assert.Single(files);
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(file));
        Assert.EndsWith(".v2", file);
        return file;
    }

    /// <summary>48 samples, 36 for training in 3 batches of 12, 12 for validation.</summary>
    History Train(Callback[] callbacks, int epochs = 3, int seed = 31)
    {
        manual_seed(seed);
        var (x, y) = TinyData.Blocks(48, seed: seed);
        using var model = CallbackTestKit.Compiled();
        return model.Fit(x, y, batchSize: 12, epochs: epochs, validationSplit: 0.25, verbose: 0, callbacks: callbacks);
    }

    [Fact]
    public void Writes_epoch_scalars_equal_to_history_into_train_and_validation_files_in_keras_layout()
    {
        var logDir = Path.Combine(_kit.Dir, "logs");
        var callback = new TensorBoard(logDir);
        var history = Train([callback]);

        Assert.Equal(["train", "validation"], Directory.GetDirectories(logDir).Select(Path.GetFileName).Order());
        var train = OnlyEventFile(Path.Combine(logDir, "train"));
        var validation = OnlyEventFile(Path.Combine(logDir, "validation"));
        Assert.Equal(train, callback.TrainFilePath);
        Assert.Equal(validation, callback.ValidationFilePath);

        foreach (var (tag, key, file) in new[]
                 {
                     ("epoch_loss", "loss", train), ("epoch_accuracy", "accuracy", train),
                     ("epoch_loss", "val_loss", validation), ("epoch_accuracy", "val_accuracy", validation),
                 })
        {
            var points = EventFileReader.ReadScalars(file, tag);
            Assert.Equal([0L, 1L, 2L], points.Select(p => p.Step));
            // Stored as float32, as TensorFlow stores scalars.
            Assert.Equal(history[key].Select(v => (float)v), points.Select(p => p.Value));
        }

        var trainTags = EventFileReader.ReadEvents(train).Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value).Select(v => v.Tag).Distinct();
        Assert.Equal(["epoch_accuracy", "epoch_loss"], trainTags.Order());
        // Validation after each epoch, plotted against training batches so far (Keras's optimizer.iterations).
        var evaluation = EventFileReader.ReadScalars(validation, "evaluation_loss_vs_iterations");
        Assert.Equal([3L, 6L, 9L], evaluation.Select(p => p.Step));
        Assert.Equal(history["val_loss"].Select(v => (float)v), evaluation.Select(p => p.Value));
    }

    [Fact]
    public void A_run_without_validation_has_no_validation_directory()
    {
        var logDir = Path.Combine(_kit.Dir, "logs");
        manual_seed(32);
        var (x, y) = TinyData.Blocks(24, seed: 32);
        using var model = CallbackTestKit.Compiled();
        model.Fit(x, y, batchSize: 12, epochs: 1, verbose: 0, callbacks: [new TensorBoard(logDir)]);
        Assert.Equal(["train"], Directory.GetDirectories(logDir).Select(Path.GetFileName));
    }

    [Fact]
    public void Update_freq_as_a_number_writes_running_batch_scalars_every_n_global_batches()
    {
        var logDir = Path.Combine(_kit.Dir, "logs");
        var batchLogs = new List<double>();
        Train([new LambdaCallback(onTrainBatchEnd: (_, logs) => batchLogs.Add(logs["loss"])), new TensorBoard(logDir, updateFreq: 2)], epochs: 2);

        var points = EventFileReader.ReadScalars(OnlyEventFile(Path.Combine(logDir, "train")), "batch_loss");
        Assert.Equal([2L, 4L, 6L], points.Select(p => p.Step));
        Assert.Equal(new[] { batchLogs[1], batchLogs[3], batchLogs[5] }.Select(v => (float)v), points.Select(p => p.Value));
    }

    [Fact]
    public void Update_freq_batch_writes_every_batch_and_epoch_mode_writes_none()
    {
        var everyBatch = Path.Combine(_kit.Dir, "batch");
        var perEpoch = Path.Combine(_kit.Dir, "epoch");
        Train([new TensorBoard(everyBatch, updateFreq: "batch"), new TensorBoard(perEpoch)], epochs: 2);

        var batch = OnlyEventFile(Path.Combine(everyBatch, "train"));
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], EventFileReader.ReadScalars(batch, "batch_loss").Select(p => p.Step));
        Assert.Equal(6, EventFileReader.ReadScalars(batch, "batch_accuracy").Count);
        Assert.Empty(EventFileReader.ReadScalars(OnlyEventFile(Path.Combine(perEpoch, "train")), "batch_loss"));
    }

    [Fact]
    public void Histogram_freq_writes_a_histogram_of_every_layer_weight_every_n_epochs()
    {
        var logDir = Path.Combine(_kit.Dir, "logs");
        Train([new TensorBoard(logDir, histogramFreq: 2)], epochs: 3);

        var histograms = EventFileReader.ReadEvents(OnlyEventFile(Path.Combine(logDir, "train")))
            .Where(e => e.Summary is not null)
            .SelectMany(e => e.Summary.Value.Where(v => v.Histo is not null).Select(v => (e.Step, v.Tag, v.Histo.Num)))
            .ToList();
        // SmallCnn: Conv2D(4, 3x3) on 1 channel, then Dense(3) on 4*4*4 features.
        (string Tag, double Count)[] weights = [("conv2d/kernel_0", 36), ("conv2d/bias_0", 4), ("dense/kernel_0", 192), ("dense/bias_0", 3)];
        Assert.Equal(
            new long[] { 0, 2 }.SelectMany(step => weights.Select(w => (step, w.Tag, w.Count))),
            histograms);
    }

    [Fact]
    public void Event_files_parse_with_the_same_framing_reader_as_tensorflows_and_hold_the_same_scalar_encoding()
    {
        var fixture = RepositoryPaths.Fixture("tfevents", "tf2_scalar_orktes", "events.out.tfevents.1585499054.Jaakkos-Mac-mini.local.11684.5.v2");
        var tf = EventFraming.ReadAll(fixture);
        Assert.Equal(101, tf.Count);
        Assert.Equal("brain.Event:2", tf[0].FileVersion);
        Assert.All(tf.Skip(1).Select((e, i) => (e, i)), p =>
        {
            Assert.Equal(p.i, p.e.Step);
            Assert.Equal(0.5f * p.i, BitConverter.ToSingle(Assert.Single(p.e.Summary.Value).Tensor.TensorContent.Span));
        });

        var logDir = Path.Combine(_kit.Dir, "logs");
        var history = Train([new TensorBoard(logDir)]);
        var ours = EventFraming.ReadAll(OnlyEventFile(Path.Combine(logDir, "train")));
        Assert.Equal("brain.Event:2", ours[0].FileVersion);
        Assert.True(ours[0].WallTime > 1.5e9);
        var losses = ours.Skip(1).Where(e => e.Summary.Value[0].Tag == "epoch_loss").ToList();
        Assert.Equal([0L, 1L, 2L], losses.Select(e => e.Step));
        Assert.Equal(history["loss"].Select(v => (float)v), losses.Select(e => BitConverter.ToSingle(e.Summary.Value[0].Tensor.TensorContent.Span)));

        // Same encoding of a scalar as tf.summary.scalar's: a float32 scalar tensor under the "scalars" plugin.
        static object Shape(TB.Summary.Types.Value v) =>
            (v.ValueCase, v.Metadata.PluginData.PluginName, v.Tensor.Dtype, v.Tensor.TensorShape.Dim.Count, v.Tensor.TensorContent.Length);
        Assert.Equal(Shape(tf[1].Summary.Value[0]), Shape(losses[0].Summary.Value[0]));
    }
}
