namespace Pipeline.Models.Callbacks;

/// <summary>
/// A callback made of delegates (Keras's <c>keras.callbacks.LambdaCallback</c>), for one-off hooks:
/// <c>new LambdaCallback(onEpochEnd: (epoch, logs) =&gt; Console.WriteLine(logs["loss"]))</c>. Hooks left null do nothing.
/// </summary>
public sealed class LambdaCallback : Callback
{
    readonly Action<int, IReadOnlyDictionary<string, double>>? _onEpochBegin;
    readonly Action<int, IReadOnlyDictionary<string, double>>? _onEpochEnd;
    readonly Action<IReadOnlyDictionary<string, double>>? _onTrainBegin;
    readonly Action<IReadOnlyDictionary<string, double>>? _onTrainEnd;
    readonly Action<int, IReadOnlyDictionary<string, double>>? _onTrainBatchBegin;
    readonly Action<int, IReadOnlyDictionary<string, double>>? _onTrainBatchEnd;
    readonly Action<IReadOnlyDictionary<string, double>>? _onTestBegin;
    readonly Action<IReadOnlyDictionary<string, double>>? _onTestEnd;

    /// <summary>Creates the callback from the hooks to run.</summary>
    /// <param name="onEpochBegin">(epoch, logs) at each epoch start.</param>
    /// <param name="onEpochEnd">(epoch, logs) at each epoch end.</param>
    /// <param name="onTrainBegin">(logs) when training starts.</param>
    /// <param name="onTrainEnd">(logs) when training ends.</param>
    /// <param name="onTrainBatchBegin">(batch, logs) before each training batch.</param>
    /// <param name="onTrainBatchEnd">(batch, logs) after each training batch.</param>
    /// <param name="onTestBegin">(logs) when an evaluation starts.</param>
    /// <param name="onTestEnd">(logs) when an evaluation ends.</param>
    public LambdaCallback(
        Action<int, IReadOnlyDictionary<string, double>>? onEpochBegin = null,
        Action<int, IReadOnlyDictionary<string, double>>? onEpochEnd = null,
        Action<IReadOnlyDictionary<string, double>>? onTrainBegin = null,
        Action<IReadOnlyDictionary<string, double>>? onTrainEnd = null,
        Action<int, IReadOnlyDictionary<string, double>>? onTrainBatchBegin = null,
        Action<int, IReadOnlyDictionary<string, double>>? onTrainBatchEnd = null,
        Action<IReadOnlyDictionary<string, double>>? onTestBegin = null,
        Action<IReadOnlyDictionary<string, double>>? onTestEnd = null)
    {
        _onEpochBegin = onEpochBegin;
        _onEpochEnd = onEpochEnd;
        _onTrainBegin = onTrainBegin;
        _onTrainEnd = onTrainEnd;
        _onTrainBatchBegin = onTrainBatchBegin;
        _onTrainBatchEnd = onTrainBatchEnd;
        _onTestBegin = onTestBegin;
        _onTestEnd = onTestEnd;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) => _onEpochBegin?.Invoke(epoch, logs);

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => _onEpochEnd?.Invoke(epoch, logs);

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs) => _onTrainBegin?.Invoke(logs);

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => _onTrainEnd?.Invoke(logs);

    /// <inheritdoc/>
    public override void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs) => _onTrainBatchBegin?.Invoke(batch, logs);

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => _onTrainBatchEnd?.Invoke(batch, logs);

    /// <inheritdoc/>
    public override void OnTestBegin(IReadOnlyDictionary<string, double> logs) => _onTestBegin?.Invoke(logs);

    /// <inheritdoc/>
    public override void OnTestEnd(IReadOnlyDictionary<string, double> logs) => _onTestEnd?.Invoke(logs);
}
