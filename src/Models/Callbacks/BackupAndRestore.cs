using System.Text.Json.Nodes;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

namespace Pipeline.Models.Callbacks;

/// <summary>
/// Lets a training run survive being killed (Keras's <c>keras.callbacks.BackupAndRestore</c>): after every epoch (or
/// every <c>saveFreq</c> batches) it backs up the weights, the optimizer state, the epoch counter and the random-number
/// state to <see cref="BackupDir"/>; when <c>Fit</c> starts and a backup is there, it restores all of it and <c>Fit</c>
/// resumes at the epoch after the last backup, continuing exactly as the interrupted run would have. When training
/// completes the backup is deleted (unless <c>deleteCheckpoint: false</c>).
/// </summary>
/// <remarks>
/// The backup is <c>latest.weights.h5</c> (Keras 3's weights layout, with the optimizer's variables; the epoch and the
/// random-number state ride along in a root attribute, so they can never disagree with the weights) and Keras's
/// <c>training_metadata.json</c>. Both are written atomically: a kill during a backup leaves the previous one whole.
/// Resuming mid-epoch (after a batch-level backup) restarts that epoch, as Keras does.
/// </remarks>
/// <example>
/// <code>
/// // Run the same command again after a crash: training picks up where the last backup left it.
/// model.Fit(x, y, epochs: 50, callbacks: [new BackupAndRestore("/tmp/backup")]);
/// </code>
/// </example>
public sealed class BackupAndRestore : Callback
{
    const string WeightsFileName = "latest.weights.h5";
    const string MetadataFileName = "training_metadata.json";
    const string MetadataAttribute = "pipeline_training_metadata";

    int _currentEpoch;
    int _batchesSinceSave;
    int _lastBatch;

    /// <summary>Creates the callback; arguments as Keras's.</summary>
    /// <param name="backupDir">The folder for the backup (created when missing). Use a folder of its own per run.</param>
    /// <param name="saveFreq">0 backs up at the end of every epoch (Keras's "epoch"); N &gt; 0 every N training batches.</param>
    /// <param name="deleteCheckpoint">Delete the backup when training completes.</param>
    public BackupAndRestore(string backupDir, int saveFreq = 0, bool deleteCheckpoint = true)
    {
        if (string.IsNullOrWhiteSpace(backupDir)) throw new ArgumentException("Empty `backupDir` argument passed.", nameof(backupDir));
        ArgumentOutOfRangeException.ThrowIfNegative(saveFreq);
        BackupDir = backupDir;
        SaveFreq = saveFreq;
        DeleteCheckpoint = deleteCheckpoint;
    }

    /// <summary>The backup folder.</summary>
    public string BackupDir { get; }

    /// <summary>0 for every epoch, else the number of batches between backups.</summary>
    public int SaveFreq { get; }

    /// <summary>Whether the backup is deleted when training completes.</summary>
    public bool DeleteCheckpoint { get; }

    /// <summary>The zero-based epoch <c>Fit</c> resumed at in the last <c>OnTrainBegin</c>, or null when it started afresh.</summary>
    public int? ResumedAtEpoch { get; private set; }

    string WeightsPath => Path.Combine(BackupDir, WeightsFileName);

    /// <summary>Restores the backup, when there is one, and tells <c>Fit</c> where to resume.</summary>
    /// <param name="logs">Unused.</param>
    /// <exception cref="KerasFileException">The backup exists but cannot be read or does not fit the model.</exception>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        ResumedAtEpoch = null;
        _batchesSinceSave = 0;
        _lastBatch = 0;
        if (!Model.Built)
            throw new InvalidOperationException(
                $"To use the BackupAndRestore callback, your model must be built before you call Fit(). Model \"{Model.Name}\" is unbuilt: start it with an Input layer or call it on a batch of data first.");
        if (!File.Exists(WeightsPath)) return;
        Model.LoadWeights(WeightsPath);
        var text = KerasFiles.RootAttribute(WeightsPath, MetadataAttribute)
            ?? throw new KerasFileException(WeightsPath, $"the backup has no '{MetadataAttribute}' attribute (epoch and random state); it was not written by BackupAndRestore.");
        var metadata = JsonConfig.Parse(text, WeightsPath, MetadataAttribute);
        int epoch = metadata["epoch"]!.GetValue<int>();
        if (JsonConfig.String(metadata, "torch_rng_state") is string state)
        {
            using var t = tensor(Convert.FromBase64String(state), ScalarType.Byte);
            random.set_rng_state(t);
        }
        Model.ResumeEpoch = epoch;
        ResumedAtEpoch = epoch;
        _currentEpoch = epoch;
    }

    /// <summary>Backs up at the end of each epoch when <see cref="SaveFreq"/> is 0.</summary>
    /// <param name="epoch">Zero-based epoch.</param>
    /// <param name="logs">Unused.</param>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _currentEpoch = epoch + 1;
        _lastBatch = 0;
        if (SaveFreq == 0) Backup();
    }

    /// <summary>Backs up every <see cref="SaveFreq"/> batches when it is positive.</summary>
    /// <param name="batch">Zero-based batch within the epoch.</param>
    /// <param name="logs">Unused.</param>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveFreq == 0) return;
        _lastBatch = batch;
        if (++_batchesSinceSave < SaveFreq) return;
        _batchesSinceSave = 0;
        Backup();
    }

    /// <summary>Deletes the backup when training completed and <see cref="DeleteCheckpoint"/> is set.</summary>
    /// <param name="logs">Unused.</param>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (DeleteCheckpoint && Directory.Exists(BackupDir)) Directory.Delete(BackupDir, recursive: true);
    }

    void Backup()
    {
        Directory.CreateDirectory(BackupDir);
        string rng;
        using (var state = random.get_rng_state()) rng = Convert.ToBase64String(state.bytes);
        var metadata = new JsonObject { ["epoch"] = _currentEpoch, ["batch"] = _lastBatch, ["torch_rng_state"] = rng };
        KerasFiles.SaveWeights(Model, WeightsPath, new Dictionary<string, string> { [MetadataAttribute] = JsonConfig.Write(metadata) });
        // Keras's own metadata file, for tools that look for it; the copy inside the weights file is the one we trust.
        Pipeline.IO.AtomicFileStream.WriteAllBytes(Path.Combine(BackupDir, MetadataFileName),
            System.Text.Encoding.UTF8.GetBytes(JsonConfig.Write(new JsonObject { ["epoch"] = _currentEpoch, ["batch"] = _lastBatch })));
    }

}
