using System.Text.Json.Nodes;
using Pipeline.Models.Saving;

namespace Pipeline.Models;

public partial class Model
{
    /// <summary>
    /// Saves the whole model (Keras's <c>model.save</c>): architecture, weights, compile configuration and optimizer
    /// state. <c>.keras</c> writes Keras 3's zip (config.json, metadata.json, model.weights.h5), which Python Keras 3
    /// reads; <c>.h5</c> writes Keras 2's HDF5 file (model_config, training_config, model_weights, and optimizer_weights once trained).
    /// The file appears complete or not at all: a crash during the save leaves any previous file in place.
    /// </summary>
    /// <param name="filepath">Where to write; ends in <c>.keras</c> (recommended) or <c>.h5</c>.</param>
    /// <exception cref="ArgumentException">Another extension.</exception>
    /// <exception cref="InvalidOperationException">The model is not built.</exception>
    public void Save(string filepath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        RequireBuilt(nameof(Save));
        if (filepath.EndsWith(".keras", StringComparison.OrdinalIgnoreCase)) KerasFiles.SaveKeras(this, filepath);
        else if (filepath.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || filepath.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase)) KerasFiles.SaveLegacyModel(this, filepath);
        else
            throw new ArgumentException(
                $"Invalid filepath extension for saving: '{filepath}'. Please add either a `.keras` extension for the native Keras format (recommended) or a `.h5` extension.",
                nameof(filepath));
    }

    /// <summary>
    /// Saves the weights (Keras's <c>model.save_weights</c>): <c>.weights.h5</c> in Keras 3's layout (with the optimizer's
    /// variables when it has state), any other <c>.h5</c> in Keras 2's layout (layer_names, by layer).
    /// </summary>
    /// <param name="filepath">Where to write; ends in <c>.weights.h5</c> (Keras 3) or <c>.h5</c> (Keras 2).</param>
    public void SaveWeights(string filepath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        RequireBuilt(nameof(SaveWeights));
        if (filepath.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase)) KerasFiles.SaveWeights(this, filepath);
        else if (filepath.EndsWith(".h5", StringComparison.OrdinalIgnoreCase)) KerasFiles.SaveLegacyWeights(this, filepath);
        else
            throw new ArgumentException($"The filename must end in `.weights.h5` (or `.h5` for Keras 2's layout). Received: filepath={filepath}", nameof(filepath));
    }

    /// <summary>
    /// Loads weights saved by <see cref="SaveWeights"/>, <see cref="Save"/> or Keras (Keras's <c>model.load_weights</c>):
    /// a <c>.weights.h5</c>, a <c>.keras</c> file, a Keras 2 weights <c>.h5</c> or a Keras 2 full-model <c>.h5</c>.
    /// Every count and shape is checked first: on a mismatch the model is left unchanged and the error names the layer,
    /// the weight and both shapes.
    /// </summary>
    /// <param name="filepath">The file.</param>
    /// <param name="skipMismatch">Skip layers whose weights do not fit instead of failing (each is reported on the runtime log).</param>
    /// <param name="byName">For Keras 2 <c>.h5</c> files: match layers by name instead of by position (Keras 2's <c>by_name=True</c>).</param>
    /// <exception cref="KerasFileException">The file is unreadable or does not fit the model.</exception>
    public void LoadWeights(string filepath, bool skipMismatch = false, bool byName = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        RequireBuilt(nameof(LoadWeights));
        KerasFiles.LoadWeights(this, filepath, skipMismatch, byName);
    }

    /// <summary>
    /// Set by a callback during <c>OnTrainBegin</c> to make <c>Fit</c> start at this zero-based epoch (Keras's
    /// <c>model._initial_epoch</c>, set by <c>BackupAndRestore</c>); <c>Fit</c> clears it.
    /// </summary>
    internal int? ResumeEpoch { get; set; }

    /// <summary>The optimizer's per-weight state in Keras's order, or null when it has none yet (never trained).</summary>
    internal IReadOnlyList<OptimizerSlot>? OptimizerSlotsIfAny() =>
        _updater is null || _optimizer is null ? null : OptimizerSlots(_updaterWeights);

    /// <summary>The optimizer's per-weight state for the next Fit, created when missing (loading fills it in).</summary>
    internal IReadOnlyList<OptimizerSlot> OptimizerSlotsForTraining()
    {
        TrainingUpdater();
        return OptimizerSlots(_updaterWeights);
    }

    IReadOnlyList<OptimizerSlot> OptimizerSlots(Variable[] weights) =>
        [.. _optimizer!.KerasOrderedSlots([.. weights.Select(v => (TorchSharp.torch.Tensor)v.Storage)])
            .Zip(_optimizer.KerasOrderedSlotNames(weights.Length), (x, name) => new OptimizerSlot(weights[x.Variable], name, x.Slot))];

    /// <summary>What the model was compiled with (one loss, or one per output), or null when not compiled.</summary>
    internal CompiledSettings? CompiledSettings() =>
        _optimizer is null ? null
        : _outputLosses is not null
            ? new(_optimizer, _outputLosses, _lossWeights, _outputMetricNames ?? [.. _outputLosses.Select(_ => Array.Empty<string>())],
                OutputNames(nameof(Save)), _outputLossesByName, _outputLosses.Length)
        : _loss is not null ? new(_optimizer, [_loss], null, [_metricNames], null, ByName: false, Math.Max(Outputs.Count, 1))
        : null;
}
