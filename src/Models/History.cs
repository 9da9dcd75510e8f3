namespace Pipeline.Models;

/// <summary>
/// What <c>Model.Fit</c> returns: one value per epoch for the loss, each metric
/// and their <c>val_</c> counterparts (Keras's <c>history.history</c>).
/// </summary>
public sealed class History
{
    readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);
    readonly List<int> _epochs = [];

    internal History() { }

    /// <summary>The epochs that ran, zero-based (Keras's <c>history.epoch</c>).</summary>
    public IReadOnlyList<int> Epochs => _epochs;

    /// <summary>The logged names in order of first appearance: loss, metrics, then val_loss, val_metrics.</summary>
    public IReadOnlyList<string> Keys => [.. _values.Keys];

    /// <summary>Per-epoch values of <paramref name="key"/>, e.g. <c>history["val_accuracy"]</c>.</summary>
    /// <param name="key">A logged name such as "loss", "accuracy", "val_loss".</param>
    /// <exception cref="KeyNotFoundException">Nothing was logged under <paramref name="key"/>.</exception>
    public IReadOnlyList<double> this[string key] => _values.TryGetValue(key, out var list)
        ? list
        : throw new KeyNotFoundException($"History has no key '{key}'. Keys: {string.Join(", ", _values.Keys)}.");

    /// <summary>True when <paramref name="key"/> was logged.</summary>
    /// <param name="key">A logged name.</param>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    internal void Add(int epoch, IEnumerable<KeyValuePair<string, double>> logs)
    {
        _epochs.Add(epoch);
        foreach (var (key, value) in logs)
        {
            if (!_values.TryGetValue(key, out var list)) _values[key] = list = [];
            list.Add(value);
        }
    }
}
