using Pipeline.Runtime;
using static TorchSharp.torch;

namespace Pipeline.Models.Callbacks;

/// <summary>
/// Stops training when a monitored quantity has stopped improving (Keras's <c>keras.callbacks.EarlyStopping</c>).
/// After each epoch the monitored value counts as an improvement when it beats the best so far by more than
/// <see cref="MinDelta"/>; after <see cref="Patience"/> epochs without one, <see cref="Model.StopTraining"/> is set.
/// </summary>
/// <remarks>
/// With <c>restoreBestWeights</c> the weights of the best epoch are copied after that epoch (native tensors, freed
/// when replaced and at the end of training) and put back when training ends, whether it stopped early or ran all its
/// epochs, as Keras 3 does. If no epoch ever improves on <c>baseline</c>, the first epoch's weights are the ones restored.
/// </remarks>
public sealed class EarlyStopping : Callback
{
    readonly bool _maximize;
    readonly double _signedDelta;
    List<Tensor>? _bestWeights;
    double? _best;

    /// <summary>Creates the callback; arguments as Keras's.</summary>
    /// <param name="monitor">The log to watch: "val_loss" (default), "loss", "val_accuracy", ...</param>
    /// <param name="minDelta">Smallest change that counts as an improvement (its sign is ignored).</param>
    /// <param name="patience">Epochs without improvement after which training stops.</param>
    /// <param name="verbose">1 prints a line when stopping and when restoring weights.</param>
    /// <param name="mode">"min", "max", or "auto" (max for accuracy-like names, min for losses).</param>
    /// <param name="baseline">Value the monitored quantity must beat; until it does, epochs count against patience even when improving.</param>
    /// <param name="restoreBestWeights">Put back the weights of the best epoch at the end of training.</param>
    /// <param name="startFromEpoch">Epochs to wait before monitoring (warm-up).</param>
    /// <exception cref="ArgumentException">An empty monitor, an unknown mode, or "auto" on a name whose direction is unknown.</exception>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, int verbose = 0, string mode = "auto",
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(startFromEpoch);
        if (verbose is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "verbose must be 0 or 1.");
        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
        Patience = patience;
        Verbose = verbose;
        Mode = mode;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
        _maximize = mode switch
        {
            "min" => false,
            "max" => true,
            "auto" => AutoMaximize(monitor),
            _ => throw new ArgumentException($"EarlyStopping mode '{mode}' is unknown; expected \"auto\", \"min\" or \"max\".", nameof(mode)),
        };
        _signedDelta = _maximize ? MinDelta : -MinDelta;
    }

    /// <summary>The log name watched, e.g. "val_loss".</summary>
    public string Monitor { get; }

    /// <summary>Smallest change counted as an improvement (non-negative).</summary>
    public double MinDelta { get; }

    /// <summary>Epochs without improvement tolerated before stopping.</summary>
    public int Patience { get; }

    /// <summary>1 prints stop and restore messages, 0 is silent.</summary>
    public int Verbose { get; }

    /// <summary>"auto", "min" or "max", as given.</summary>
    public string Mode { get; }

    /// <summary>The value to beat, or null.</summary>
    public double? Baseline { get; }

    /// <summary>Whether the best epoch's weights are restored at the end of training.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epochs ignored before monitoring starts.</summary>
    public int StartFromEpoch { get; }

    /// <summary>Zero-based epoch at which training was stopped, or 0 when it was not (Keras's <c>stopped_epoch</c>).</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>Zero-based epoch with the best monitored value so far (Keras's <c>best_epoch</c>).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs since the last improvement (Keras's <c>wait</c>).</summary>
    public int Wait { get; private set; }

    /// <summary>The best monitored value so far, or null before the first monitored epoch.</summary>
    public double? Best => _best;

    static bool AutoMaximize(string monitor)
    {
        var name = monitor.StartsWith("val_", StringComparison.Ordinal) ? monitor[4..] : monitor;
        if (name == "loss" || name.EndsWith("loss", StringComparison.Ordinal) || name.EndsWith("error", StringComparison.Ordinal)) return false;
        if (name.EndsWith("acc", StringComparison.Ordinal) || name.EndsWith("accuracy", StringComparison.Ordinal) || name.EndsWith("auc", StringComparison.Ordinal)) return true;
        throw new ArgumentException(
            $"EarlyStopping received monitor='{monitor}' but cannot tell whether it should be maximized or minimized. " +
            "Pass mode: \"max\" or mode: \"min\".", nameof(monitor));
    }

    /// <summary>Resets the state, so one instance can serve several Fit calls.</summary>
    /// <param name="logs">Unused.</param>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        Wait = 0;
        StoppedEpoch = 0;
        BestEpoch = 0;
        _best = null;
        ReleaseBestWeights();
    }

    /// <summary>Compares the monitored value with the best so far and stops training once patience runs out.</summary>
    /// <param name="epoch">Zero-based epoch.</param>
    /// <param name="logs">The epoch's logs; must contain <see cref="Monitor"/>.</param>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (!logs.TryGetValue(Monitor, out var current))
        {
            TorchRuntime.Log($"Early stopping conditioned on metric `{Monitor}` which is not available. Available metrics are: {string.Join(",", logs.Keys)}");
            return;
        }
        if (epoch < StartFromEpoch) return;
        // Keep the first epoch's weights so there is something to restore even if nothing ever improves.
        if (RestoreBestWeights && _bestWeights is null) _bestWeights = CopyWeights();
        Wait++;
        if (IsImprovement(current, _best))
        {
            _best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                ReleaseBestWeights();
                _bestWeights = CopyWeights();
            }
            if (Baseline is null || IsImprovement(current, Baseline)) Wait = 0;
            return;
        }
        if (Wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model.StopTraining = true;
        }
    }

    /// <summary>Reports the stop and restores the best weights when asked to, then frees the copies.</summary>
    /// <param name="logs">Unused.</param>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        // Same destination as Fit's progress output.
        var output = Model.ProgressWriter ?? Console.Out;
        if (StoppedEpoch > 0 && Verbose > 0) output.WriteLine($"Epoch {StoppedEpoch + 1}: early stopping");
        if (RestoreBestWeights && _bestWeights is not null)
        {
            if (Verbose > 0) output.WriteLine($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            var parameters = Model.Parameters.ToArray();
            using (no_grad())
                for (int i = 0; i < parameters.Length; i++) parameters[i].copy_(_bestWeights[i]);
        }
        ReleaseBestWeights();
    }

    bool IsImprovement(double value, double? reference) =>
        reference is not double r || (_maximize ? value - _signedDelta > r : value - _signedDelta < r);

    List<Tensor> CopyWeights()
    {
        var copies = new List<Tensor>();
        using (no_grad())
            foreach (var p in Model.Parameters)
            {
                using var view = p.detach();
                // Owned by this callback, not by whatever dispose scope encloses Fit.
                copies.Add(view.clone().DetachFromDisposeScope());
            }
        return copies;
    }

    void ReleaseBestWeights()
    {
        if (_bestWeights is null) return;
        foreach (var t in _bestWeights) t.Dispose();
        _bestWeights = null;
    }
}
