namespace Pipeline.Models.Callbacks;

/// <summary>
/// Base class of training callbacks (Keras's <c>keras.callbacks.Callback</c>): override the hooks you need and pass
/// instances to <c>Fit(..., callbacks: [...])</c> or <c>Evaluate(..., callbacks: [...])</c>. Hooks run on the
/// training thread, in the order the callbacks were given.
/// </summary>
/// <remarks>
/// Logs are Keras's: epoch and batch logs hold <c>loss</c> and each compiled metric (running means over the epoch so
/// far for batch hooks), epoch-end logs also the <c>val_</c> entries when validating; test logs hold un-prefixed names.
/// Begin hooks receive an empty dictionary. Set <see cref="Model.StopTraining"/> to end <c>Fit</c> after the
/// current batch or epoch, as Keras's <c>self.model.stop_training = True</c>.
/// </remarks>
public abstract class Callback
{
    Model? _model;

    /// <summary>The model being trained or evaluated (Keras's <c>self.model</c>), set by <c>Fit</c>/<c>Evaluate</c> before the first hook.</summary>
    /// <exception cref="InvalidOperationException">The callback has not been passed to <c>Fit</c> or <c>Evaluate</c> yet.</exception>
    public Model Model => _model ?? throw new InvalidOperationException(
        $"{GetType().Name}.Model is not set: pass the callback to Fit(..., callbacks: [...]) or Evaluate(..., callbacks: [...]) first.");

    internal void SetModel(Model model) => _model = model;

    /// <summary>Called once at the start of <c>Fit</c>.</summary>
    /// <param name="logs">Empty.</param>
    public virtual void OnTrainBegin(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called once at the end of <c>Fit</c>, also after an early stop (not when training throws).</summary>
    /// <param name="logs">The last epoch's logs.</param>
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called at the start of each epoch.</summary>
    /// <param name="epoch">Zero-based epoch index.</param>
    /// <param name="logs">Empty.</param>
    public virtual void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called at the end of each epoch, after validation.</summary>
    /// <param name="epoch">Zero-based epoch index.</param>
    /// <param name="logs">The epoch's loss and metrics, with <c>val_</c> entries when validating (what History records).</param>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called before each training batch.</summary>
    /// <param name="batch">Zero-based batch index within the epoch.</param>
    /// <param name="logs">Empty.</param>
    public virtual void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called after each training batch's optimizer step.</summary>
    /// <param name="batch">Zero-based batch index within the epoch.</param>
    /// <param name="logs">Loss and metrics averaged over the epoch's batches so far.</param>
    public virtual void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called at the start of an evaluation: <c>Evaluate</c>, or the validation pass at the end of each <c>Fit</c> epoch.</summary>
    /// <param name="logs">Empty.</param>
    public virtual void OnTestBegin(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called at the end of an evaluation.</summary>
    /// <param name="logs">The evaluation's loss and metrics, without the <c>val_</c> prefix.</param>
    public virtual void OnTestEnd(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called before each evaluation batch.</summary>
    /// <param name="batch">Zero-based batch index.</param>
    /// <param name="logs">Empty.</param>
    public virtual void OnTestBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called after each evaluation batch.</summary>
    /// <param name="batch">Zero-based batch index.</param>
    /// <param name="logs">Loss and metrics averaged over the evaluation's batches so far.</param>
    public virtual void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }
}
