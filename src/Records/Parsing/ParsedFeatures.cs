using static TorchSharp.torch;

namespace Pipeline.Records;

/// <summary>
/// The result of parsing: one entry per feature of the description, by key (TensorFlow returns a dict).
/// Numeric dense features are TorchSharp tensors (<see cref="this[string]"/>), string dense features are
/// <see cref="StringTensor"/>s (<see cref="Strings"/>, <see cref="Bytes"/>), variable-length features are
/// <see cref="SparseFeature"/>s (<see cref="Sparse"/>).
/// </summary>
/// <remarks>
/// <para>The tensors belong to whoever holds this object (they join no DisposeScope): dispose it when done, or
/// <see cref="Take"/> a tensor to keep it beyond that.</para>
/// <para>As a Dataset element it behaves like TensorFlow's parsed dictionary: <c>records.Map(r =&gt;
/// ExampleParser.ParseSingleExample(r, spec))</c> gives elements that <c>Batch</c> (dense features stacked, string features
/// batched into a string tensor, <see cref="VarLenFeature"/>s into one sparse feature with the batch index as first
/// coordinate), <c>PaddedBatch</c> (dense features padded to the longest in the batch, e.g. sequences),
/// <c>Unbatch</c> and <c>Cache</c> (memory or file) handle. The pipeline's one ownership rule applies per component: a
/// <c>Map(p =&gt; (p["image"], p["label"]))</c> keeps the two tensors it returns and the step frees the rest, so you
/// neither dispose the parsed features in your function nor <see cref="Take"/> the tensors you return.</para>
/// </remarks>
public sealed class ParsedFeatures : IDisposable, IElementStructure<ParsedFeatures>
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

    /// <summary>The single value of a scalar string feature without a copy: for a record parsed from a <c>byte[]</c>, a view of that array.</summary>
    /// <remarks><c>Image.DecodeJpeg(features.BytesMemory("image_raw").Span)</c> decodes the JPEG where the record holds it.</remarks>
    /// <param name="key">Feature key.</param>
    /// <returns>The bytes.</returns>
    public ReadOnlyMemory<byte> BytesMemory(string key) => Strings(key).ItemMemory();

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

    /// <inheritdoc/>
    public IEnumerable<object> Components => _values.Values;

    /// <summary>
    /// One batch of parsed features (<c>Batch</c> and <c>PaddedBatch</c> call it): each feature of the elements stacked
    /// along a new first axis. The elements are not disposed.
    /// </summary>
    /// <param name="elements">Results of parsing with the same description.</param>
    /// <param name="paddingValue">Null: dense features must have equal shapes; a value: they are padded with it (string
    /// features with empty strings) to the longest in the batch.</param>
    /// <returns>New features owned by the caller.</returns>
    public static ParsedFeatures Batch(IReadOnlyList<ParsedFeatures> elements, double? paddingValue)
    {
        ArgumentNullException.ThrowIfNull(elements);
        if (elements.Count == 0) throw new ArgumentException("Batch: no elements to batch.", nameof(elements));
        var stage = paddingValue is null ? $"Batch({elements.Count})" : $"PaddedBatch({elements.Count})";
        var first = elements[0];
        var result = new ParsedFeatures();
        try
        {
            foreach (var key in first.Keys)
            {
                var column = new object[elements.Count];
                for (var i = 0; i < elements.Count; i++)
                {
                    if (!elements[i]._values.TryGetValue(key, out var v))
                        throw new InvalidOperationException($"{stage}: element {i} has no feature '{key}' (element 0 has {string.Join(", ", first.Keys.Select(k => $"'{k}'"))}).");
                    if (v.GetType() != first._values[key].GetType())
                        throw new InvalidOperationException($"{stage}: feature '{key}' is a {Describe(first._values[key])} in element 0 but a {Describe(v)} in element {i}.");
                    column[i] = v;
                }
                result.Add(key, column[0] switch
                {
                    Tensor => paddingValue is { } pad
                        ? PaddedBatching.Pad(Array.ConvertAll(column, c => (Tensor)c), null, pad, stage, key)
                        : Collation.Stack(Array.ConvertAll(column, c => (Tensor)c), stage, key),
                    StringTensor => StringTensor.Batch(Array.ConvertAll(column, c => (StringTensor)c), padded: paddingValue is not null, stage, key),
                    SparseFeature => SparseFeature.Batch(Array.ConvertAll(column, c => (SparseFeature)c)),
                    _ => throw new NotSupportedException($"{stage}: feature '{key}' holds a {column[0].GetType().Name}."),
                });
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>The rows of batched features (<c>Unbatch</c> calls it): each feature split along its first axis. This object is not disposed.</summary>
    /// <returns>One <see cref="ParsedFeatures"/> per row, owned by the caller; dense rows are views of this batch's tensors.</returns>
    public IReadOnlyList<ParsedFeatures> Unbatch()
    {
        long? n = null;
        string? firstKey = null;
        var columns = new List<(string Key, object[] Rows)>();
        try
        {
            foreach (var (key, value) in _values)
            {
                object[] rows = value switch
                {
                    Tensor t when t.dim() > 0 => Enumerable.Range(0, (int)t.shape[0]).Select(i => (object)t.select(0, i).DetachFromDisposeScope()).ToArray(),
                    StringTensor s when s.Shape.Length > 0 => s.Unbatch(),
                    SparseFeature sp when sp.DenseShape.Length > 0 => sp.Unbatch(),
                    _ => throw new InvalidOperationException($"Unbatch: feature '{key}' ({Describe(value)}) is a scalar; Unbatch needs batched features (e.g. after Batch or ParseExample)."),
                };
                columns.Add((key, rows));
                if (n is null) (n, firstKey) = (rows.Length, key);
                else if (rows.Length != n)
                    throw new InvalidOperationException($"Unbatch: feature '{firstKey}' has {n} rows but '{key}' has {rows.Length}.");
            }
        }
        catch
        {
            foreach (var (_, rows) in columns) foreach (var r in rows) (r as IDisposable)?.Dispose();
            throw;
        }
        var result = new ParsedFeatures[n ?? 0];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new ParsedFeatures();
            foreach (var (key, rows) in columns) result[i].Add(key, rows[i]);
        }
        return result;
    }

    /// <summary>A second owner's handle (for <c>Cache</c>): the same keys, tensors aliased (no copy).</summary>
    /// <returns>New features owned by the caller.</returns>
    public ParsedFeatures Share()
    {
        var copy = new ParsedFeatures();
        foreach (var (key, value) in _values)
            copy.Add(key, value switch
            {
                Tensor t => t.alias(),
                SparseFeature s => s.Share(),
                _ => value,   // StringTensor: immutable, nothing to free
            });
        return copy;
    }

    /// <inheritdoc/>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(_values.Count);
        foreach (var (key, value) in _values)
        {
            writer.Write(key);
            switch (value)
            {
                case Tensor t:
                    writer.Write((byte)0);
                    ElementCodec.Write(writer, t);
                    break;
                case StringTensor s:
                    writer.Write((byte)1);
                    s.Write(writer);
                    break;
                case SparseFeature sp:
                    writer.Write((byte)2);
                    sp.Write(writer);
                    break;
            }
        }
    }

    /// <summary>Reads features written by <see cref="Write"/> (a <c>Cache(filename)</c> file).</summary>
    /// <param name="reader">The cache file.</param>
    /// <returns>New features owned by the caller.</returns>
    public static ParsedFeatures Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var result = new ParsedFeatures();
        try
        {
            var n = reader.ReadInt32();
            for (var i = 0; i < n; i++)
            {
                var key = reader.ReadString();
                var kind = reader.ReadByte();
                result.Add(key, kind switch
                {
                    0 => ElementCodec.Read<Tensor>(reader),
                    1 => StringTensor.Read(reader),
                    2 => SparseFeature.Read(reader),
                    _ => throw new InvalidDataException($"ParsedFeatures.Read: feature '{key}' has an unknown kind {kind}; the cache file is damaged or from another version."),
                });
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
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
