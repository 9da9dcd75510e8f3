using Pipeline.Records;

namespace Pipeline.Models.Callbacks;

/// <summary>
/// Writes TensorBoard logs during <c>Fit</c> (Keras's <c>keras.callbacks.TensorBoard</c>), in Keras's layout:
/// <c>logDir/train/events.out.tfevents.*.v2</c> and, when validating, <c>logDir/validation/...</c>. Point
/// <c>tensorboard --logdir logDir</c> at it.
/// </summary>
/// <remarks>
/// <para>At each epoch end: <c>epoch_loss</c>, <c>epoch_accuracy</c>, ... (every training log) to the train writer and
/// the <c>val_</c> logs, prefix dropped, under the same tags to the validation writer, step = epoch index.</para>
/// <para>After each validation pass: <c>evaluation_loss_vs_iterations</c>, ... to the validation writer, step = training
/// batches so far (Keras's <c>optimizer.iterations</c>).</para>
/// <para>With <c>updateFreq</c> "batch" or N: <c>batch_loss</c>, ... (running epoch means, as Keras's batch logs) to the
/// train writer every N-th batch, step = training batches so far, counted from 1.</para>
/// <para>With <c>histogramFreq</c> N &gt; 0: a histogram of every weight every N epochs (epochs 0, N, 2N, ...), tagged
/// like TF2 Keras's <c>weight.name</c>: <c>conv2d/kernel_0</c>, <c>conv2d/bias_0</c>. Values are the weights
/// themselves; the hidden kernel layout does not change a histogram.</para>
/// <para>Writers are flushed at each epoch end and closed at the end of training. The model graph, images,
/// profiling and embeddings (Keras's other options) are not written.</para>
/// </remarks>
public sealed class TensorBoard : Callback
{
    const string FileSuffix = ".v2";

    EventFileWriter? _train;
    EventFileWriter? _validation;
    long _trainBatches;
    bool _training;

    /// <summary>Creates the callback; arguments as Keras's.</summary>
    /// <param name="logDir">The run's log directory; <c>train</c> and <c>validation</c> subdirectories are created in it.</param>
    /// <param name="histogramFreq">Epochs between weight histograms; 0 writes none.</param>
    /// <param name="updateFreq">"epoch" (default), "batch", or a number of batches between batch-level scalars.</param>
    /// <exception cref="ArgumentException">An empty <paramref name="logDir"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative <paramref name="histogramFreq"/>.</exception>
    public TensorBoard(string logDir = "logs", int histogramFreq = 0, UpdateFreq updateFreq = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDir);
        ArgumentOutOfRangeException.ThrowIfNegative(histogramFreq);
        LogDir = logDir;
        HistogramFreq = histogramFreq;
        UpdateFreq = updateFreq;
    }

    /// <summary>The run's log directory.</summary>
    public string LogDir { get; }

    /// <summary>Epochs between weight histograms; 0 for none.</summary>
    public int HistogramFreq { get; }

    /// <summary>How often training scalars are written.</summary>
    public UpdateFreq UpdateFreq { get; }

    /// <summary>The training event file of the current or last run, once created.</summary>
    public string? TrainFilePath { get; private set; }

    /// <summary>The validation event file of the current or last run, once created (only when validating).</summary>
    public string? ValidationFilePath { get; private set; }

    EventFileWriter TrainWriter => _train ??= Open("train", p => TrainFilePath = p);

    // Lazily, as Keras: a run without validation data has no validation directory.
    EventFileWriter ValidationWriter => _validation ??= Open("validation", p => ValidationFilePath = p);

    EventFileWriter Open(string subdirectory, Action<string> remember)
    {
        var writer = new EventFileWriter(Path.Combine(LogDir, subdirectory), FileSuffix);
        remember(writer.FilePath);
        return writer;
    }

    /// <summary>Starts new event files for this run.</summary>
    /// <param name="logs">Unused.</param>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        CloseWriters();
        TrainFilePath = ValidationFilePath = null;
        _trainBatches = 0;
        _training = true;
        _ = TrainWriter;
    }

    /// <summary>Writes batch-level scalars every <see cref="UpdateFreq"/> batches.</summary>
    /// <param name="batch">Batch index within the epoch.</param>
    /// <param name="logs">Running means of the epoch.</param>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        _trainBatches++;
        int every = UpdateFreq.Batches;
        if (every == 0 || _trainBatches % every != 0) return;
        foreach (var (name, value) in logs) TrainWriter.AddScalar("batch_" + name, value, _trainBatches);
    }

    /// <summary>Writes the validation results against the number of training batches so far.</summary>
    /// <param name="logs">The evaluation's logs (no <c>val_</c> prefix).</param>
    public override void OnTestEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (!_training) return; // A standalone Evaluate has no training step to plot against.
        foreach (var (name, value) in logs) ValidationWriter.AddScalar("evaluation_" + name + "_vs_iterations", value, _trainBatches);
    }

    /// <summary>Writes the epoch's scalars (and histograms when due) and flushes.</summary>
    /// <param name="epoch">Zero-based epoch, the step of every value written.</param>
    /// <param name="logs">The epoch's logs.</param>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var (name, value) in logs)
        {
            if (name.StartsWith("val_", StringComparison.Ordinal)) ValidationWriter.AddScalar("epoch_" + name[4..], value, epoch);
            else TrainWriter.AddScalar("epoch_" + name, value, epoch);
        }
        if (HistogramFreq > 0 && epoch % HistogramFreq == 0) WriteWeightHistograms(epoch);
        _train?.Flush();
        _validation?.Flush();
    }

    /// <summary>Closes the event files.</summary>
    /// <param name="logs">Unused.</param>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        _training = false;
        CloseWriters();
    }

    void WriteWeightHistograms(long epoch)
    {
        foreach (var layer in Model.Layers)
        {
            // Keras's histogram names: layer/weight_0; a histogram ignores element order, so the storage layout serves.
            foreach (var weight in layer.Weights)
                TrainWriter.AddHistogram($"{layer.Name}/{weight.Name}_0", weight.Storage, epoch);
        }
    }

    void CloseWriters()
    {
        _train?.Dispose();
        _validation?.Dispose();
        _train = _validation = null;
    }
}
