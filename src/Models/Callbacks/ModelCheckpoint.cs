using Pipeline.Models.Saving;

namespace Pipeline.Models.Callbacks;

/// <summary>
/// Saves the model or its weights during training (Keras's <c>keras.callbacks.ModelCheckpoint</c>): after every epoch,
/// or every <c>saveFreq</c> batches, optionally only when the monitored value improved. The file name may hold
/// placeholders filled from the epoch (1-based) and the logs, with Python's format specs:
/// <c>"ckpt/weights.{epoch:02d}-{val_loss:.2f}.keras"</c>. Every file is written atomically, so a kill during a save
/// leaves the previous checkpoint intact.
/// </summary>
/// <example>
/// <code>
/// model.Fit(x, y, epochs: 10, validationSplit: 0.1, callbacks:
/// [
///     new ModelCheckpoint("best.keras", monitor: "val_accuracy", saveBestOnly: true),
/// ]);
/// var best = Models.LoadModel("best.keras");
/// </code>
/// </example>
public sealed class ModelCheckpoint : Callback
{
    readonly bool _maximize;
    int _currentEpoch;
    int _batchesSinceSave;

    /// <summary>Creates the callback; arguments as Keras's.</summary>
    /// <param name="filepath">Where to save: <c>.keras</c> (or <c>.h5</c>) for the whole model, <c>.weights.h5</c> with <paramref name="saveWeightsOnly"/>; may hold placeholders such as <c>{epoch:02d}</c>, <c>{batch}</c>, <c>{val_loss:.2f}</c>.</param>
    /// <param name="monitor">The log compared with <paramref name="saveBestOnly"/>: "val_loss" (default), "val_accuracy", "loss", ...</param>
    /// <param name="verbose">1 prints a line for each save decision.</param>
    /// <param name="saveBestOnly">Save only when <paramref name="monitor"/> improved on the best value so far.</param>
    /// <param name="saveWeightsOnly">Save the weights (<c>SaveWeights</c>) instead of the whole model (<c>Save</c>).</param>
    /// <param name="mode">"min", "max", or "auto" (max for accuracy-like names, min otherwise).</param>
    /// <param name="saveFreq">0 saves at the end of every epoch (Keras's "epoch"); N &gt; 0 saves every N training batches.</param>
    /// <param name="initialValueThreshold">The value the first saved model must beat with <paramref name="saveBestOnly"/>.</param>
    /// <exception cref="ArgumentException">The file extension does not fit <paramref name="saveWeightsOnly"/>, or an unknown mode.</exception>
    public ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool saveBestOnly = false, bool saveWeightsOnly = false,
        string mode = "auto", int saveFreq = 0, double? initialValueThreshold = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filepath);
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        ArgumentOutOfRangeException.ThrowIfNegative(saveFreq);
        if (saveWeightsOnly && !filepath.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException(
                $"When using saveWeightsOnly: true in ModelCheckpoint, the filepath provided must end in `.weights.h5` (Keras weights format). Received: filepath={filepath}", nameof(filepath));
        if (!saveWeightsOnly && !filepath.EndsWith(".keras", StringComparison.OrdinalIgnoreCase) && !filepath.EndsWith(".h5", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"The filepath provided must end in `.keras` (Keras model format). Received: filepath={filepath}", nameof(filepath));
        Filepath = filepath;
        Monitor = monitor;
        Verbose = verbose;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        Mode = mode;
        SaveFreq = saveFreq;
        _maximize = mode switch
        {
            "min" => false,
            "max" => true,
            "auto" => monitor.Contains("acc", StringComparison.Ordinal) || monitor.Contains("auc", StringComparison.Ordinal) || monitor.StartsWith("fmeasure", StringComparison.Ordinal),
            _ => throw new ArgumentException($"ModelCheckpoint mode '{mode}' is unknown; expected \"auto\", \"min\" or \"max\".", nameof(mode)),
        };
        Best = initialValueThreshold;
    }

    /// <summary>The file name template.</summary>
    public string Filepath { get; }

    /// <summary>The log compared when saving only the best.</summary>
    public string Monitor { get; }

    /// <summary>1 prints save decisions.</summary>
    public int Verbose { get; }

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Whether only the weights are saved.</summary>
    public bool SaveWeightsOnly { get; }

    /// <summary>"auto", "min" or "max", as given.</summary>
    public string Mode { get; }

    /// <summary>0 for every epoch, else the number of batches between saves.</summary>
    public int SaveFreq { get; }

    /// <summary>The best monitored value saved so far (or the initial threshold), or null.</summary>
    public double? Best { get; private set; }

    /// <summary>Remembers the epoch for batch-level saves.</summary>
    /// <param name="epoch">Zero-based epoch.</param>
    /// <param name="logs">Unused.</param>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) => _currentEpoch = epoch;

    /// <summary>Saves every <see cref="SaveFreq"/> batches when it is positive.</summary>
    /// <param name="batch">Zero-based batch within the epoch.</param>
    /// <param name="logs">Running means of the epoch so far.</param>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveFreq == 0) return;
        if (++_batchesSinceSave < SaveFreq) return;
        _batchesSinceSave = 0;
        SaveModel(_currentEpoch, batch, logs);
    }

    /// <summary>Saves at the end of the epoch when <see cref="SaveFreq"/> is 0.</summary>
    /// <param name="epoch">Zero-based epoch.</param>
    /// <param name="logs">The epoch's logs.</param>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveFreq == 0) SaveModel(epoch, null, logs);
    }

    void SaveModel(int epoch, int? batch, IReadOnlyDictionary<string, double> logs)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (k, v) in logs) values[k] = v;
        values["epoch"] = epoch + 1;
        if (batch is int b && !logs.ContainsKey("batch")) values["batch"] = b + 1;
        var path = FilepathTemplate.Format(Filepath, values);
        var output = Model.ProgressWriter ?? Console.Out;
        if (SaveBestOnly)
        {
            if (!logs.TryGetValue(Monitor, out var current))
            {
                Runtime.TorchRuntime.Log($"Can save best model only with {Monitor} available. Available: {string.Join(", ", logs.Keys)}; saving anyway.");
            }
            else
            {
                var bestText = Best is double bb ? bb.ToString("F5", System.Globalization.CultureInfo.InvariantCulture) : "None";
                bool improved = Best is not double best || (_maximize ? current > best : current < best);
                if (!improved)
                {
                    if (Verbose > 0) output.WriteLine($"Epoch {epoch + 1}: {Monitor} did not improve from {bestText}");
                    return;
                }
                if (Verbose > 0)
                    output.WriteLine($"Epoch {epoch + 1}: {Monitor} improved from {bestText} to {current.ToString("F5", System.Globalization.CultureInfo.InvariantCulture)}, saving model to {path}");
                Best = current;
            }
        }
        else if (Verbose > 0) output.WriteLine($"Epoch {epoch + 1}: saving model to {path}");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        if (Directory.Exists(path))
            throw new IOException($"Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an existing directory: {path}");
        if (SaveWeightsOnly) Model.SaveWeights(path);
        else Model.Save(path);
    }
}
