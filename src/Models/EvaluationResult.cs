using System.Collections;

namespace Pipeline.Models;

/// <summary>
/// What <c>Evaluate</c>, <c>TrainOnBatch</c> and <c>TestOnBatch</c> return: the loss and each compiled metric, in
/// Keras's order (<see cref="Model.MetricsNames"/>). Read it as Keras's dictionary (<c>result["accuracy"]</c>,
/// <c>return_dict=True</c>) or as Keras's list (<c>result[0]</c> is the loss, <see cref="ToList"/>).
/// </summary>
public sealed class EvaluationResult : IReadOnlyDictionary<string, double>
{
    readonly KeyValuePair<string, double>[] _entries;

    internal EvaluationResult(IEnumerable<KeyValuePair<string, double>> entries) => _entries = [.. entries];

    /// <summary>The value named <paramref name="key"/>, e.g. "loss" or "accuracy".</summary>
    /// <param name="key">A name from <see cref="Keys"/>.</param>
    /// <exception cref="KeyNotFoundException">No such name; the message lists the names there are.</exception>
    public double this[string key]
    {
        get
        {
            foreach (var (k, v) in _entries) if (k == key) return v;
            throw new KeyNotFoundException($"No result named '{key}'. Names: {string.Join(", ", Keys)}.");
        }
    }

    /// <summary>The value at <paramref name="index"/> in Keras's order: 0 is the loss, then the metrics.</summary>
    /// <param name="index">Position.</param>
    public double this[int index] => _entries[index].Value;

    /// <summary>The names in order: "loss", then the metrics.</summary>
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <summary>The values in order.</summary>
    public IEnumerable<double> Values => _entries.Select(e => e.Value);

    /// <summary>The number of values.</summary>
    public int Count => _entries.Length;

    /// <summary>The values as Keras's list (<c>model.evaluate(...)</c> without <c>return_dict</c>).</summary>
    public IReadOnlyList<double> ToList() => [.. Values];

    /// <inheritdoc />
    public bool ContainsKey(string key) => _entries.Any(e => e.Key == key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out double value)
    {
        foreach (var (k, v) in _entries)
            if (k == key)
            {
                value = v;
                return true;
            }
        value = 0;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, double>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(", ", _entries.Select(e => $"'{e.Key}': {e.Value}")) + "}";
}
