namespace Pipeline.Models.Callbacks;

/// <summary>The callbacks of one Fit/Evaluate call, fanned out in order (Keras's <c>CallbackList</c>).</summary>
internal sealed class CallbackList
{
    internal static readonly IReadOnlyDictionary<string, double> EmptyLogs = new Dictionary<string, double>();

    readonly Callback[] _callbacks;

    CallbackList(Callback[] callbacks) => _callbacks = callbacks;

    /// <summary>False when there is nothing to call, so the training loop can skip building per-batch logs.</summary>
    public bool Any => _callbacks.Length > 0;

    public static CallbackList Create(IEnumerable<Callback>? callbacks, Model model)
    {
        Callback[] list = callbacks is null ? [] : [.. callbacks];
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i] is null) throw new ArgumentException($"callbacks[{i}] is null.", nameof(callbacks));
            list[i].SetModel(model);
        }
        return new CallbackList(list);
    }

    public void TrainBegin() { foreach (var c in _callbacks) c.OnTrainBegin(EmptyLogs); }
    public void TrainEnd(IReadOnlyDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTrainEnd(logs); }
    public void EpochBegin(int epoch) { foreach (var c in _callbacks) c.OnEpochBegin(epoch, EmptyLogs); }
    public void EpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnEpochEnd(epoch, logs); }
    public void TrainBatchBegin(int batch) { foreach (var c in _callbacks) c.OnTrainBatchBegin(batch, EmptyLogs); }
    public void TrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTrainBatchEnd(batch, logs); }
    public void TestBegin() { foreach (var c in _callbacks) c.OnTestBegin(EmptyLogs); }
    public void TestEnd(IReadOnlyDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTestEnd(logs); }
    public void TestBatchBegin(int batch) { foreach (var c in _callbacks) c.OnTestBatchBegin(batch, EmptyLogs); }
    public void TestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { foreach (var c in _callbacks) c.OnTestBatchEnd(batch, logs); }
}
