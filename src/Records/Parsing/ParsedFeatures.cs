using static TorchSharp.torch;

namespace Pipeline.Records;

/// <summary>
/// The result of parsing: one entry per feature of the description, by key (TensorFlow returns a dict).
/// Numeric dense features are TorchSharp tensors (<see cref="this[string]"/>), string dense features are
/// <see cref="StringTensor"/>s (<see cref="Strings"/>, <see cref="Bytes"/>), variable-length features are
/// <see cref="SparseFeature"/>s (<see cref="Sparse"/>).
/// </summary>
/// <remarks>The tensors belong to this object (they join no DisposeScope): dispose it when done, or <see cref="Take"/> a
/// tensor to keep it beyond that. It can be a Dataset element: <c>records.Map(r =&gt; ExampleParser.ParseSingleExample(r, spec))</c>.</remarks>
public sealed class ParsedFeatures : IDisposable
{
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    internal ParsedFeatures()
    {
    }

    /// <summary>The feature keys, as given in the description.</summary>
    public IReadOnlyCollection<string> Keys => _values.Keys;

    /// <summary>Whether <paramref name="key"/> was in the description.</summary>
    /// <param name="key">Feature key.</param>
    /// <returns>True when present.</returns>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>A dense numeric feature (int64 or float32), still owned by this object.</summary>
    /// <param name="key">Feature key.</param>
    public Tensor this[string key] => Get<Tensor>(key, "a dense numeric feature (use Strings() for string features, Sparse() for VarLenFeature)");

    /// <summary>A dense string feature.</summary>
    /// <param name="key">Feature key.</param>
    /// <returns>The values with their shape.</returns>
    public StringTensor Strings(string key) => Get<StringTensor>(key, "a dense string feature");

    /// <summary>The single value of a scalar string feature, e.g. the encoded image of <c>FixedLenFeature([], String)</c>.</summary>
    /// <param name="key">Feature key.</param>
    /// <returns>The bytes.</returns>
    public byte[] Bytes(string key) => Strings(key).Item();

    /// <summary>A variable-length feature, still owned by this object.</summary>
    /// <param name="key">Feature key.</param>
    /// <returns>The sparse result.</returns>
    public SparseFeature Sparse(string key) => Get<SparseFeature>(key, "a VarLenFeature");

    /// <summary>Removes a dense numeric tensor from this result and hands it to the caller, who must dispose it.</summary>
    /// <param name="key">Feature key.</param>
    /// <returns>The tensor.</returns>
    public Tensor Take(string key)
    {
        var t = this[key];
        _values.Remove(key);
        return t;
    }

    /// <summary>Disposes every tensor still held.</summary>
    public void Dispose()
    {
        foreach (var v in _values.Values)
            (v as IDisposable)?.Dispose();
        _values.Clear();
    }

    internal void Add(string key, object value)
    {
        // This object owns its tensors: keep them out of any ambient DisposeScope (e.g. the one a Dataset's Map runs the
        // parse function in), or they would be freed while this result is still being handed on.
        switch (value)
        {
            case Tensor t:
                t.DetachFromDisposeScope();
                break;
            case SparseFeature s:
                s.Indices.DetachFromDisposeScope();
                s.Values?.DetachFromDisposeScope();
                break;
        }
        _values[key] = value;
    }

    private T Get<T>(string key, string what) where T : class
    {
        if (!_values.TryGetValue(key, out var v))
            throw new KeyNotFoundException($"No parsed feature '{key}'. Parsed features: {string.Join(", ", _values.Keys.Select(k => $"'{k}'"))}.");
        return v as T ?? throw new InvalidOperationException($"Feature '{key}' is a {Describe(v)}, not {what}.");
    }

    private static string Describe(object v) => v switch
    {
        Tensor t => $"dense {t.dtype} tensor",
        StringTensor => "dense string feature (use Strings() or Bytes())",
        SparseFeature => "VarLenFeature (use Sparse())",
        _ => v.GetType().Name,
    };
}
