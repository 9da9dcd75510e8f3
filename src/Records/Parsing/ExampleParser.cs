using Google.Protobuf;
using Google.Protobuf.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Records;

/// <summary>
/// Parses serialized <see cref="Example"/>s and <see cref="SequenceExample"/>s into tensors according to a feature
/// description, as <c>tf.io.parse_single_example</c>, <c>tf.io.parse_example</c>,
/// <c>tf.io.parse_single_sequence_example</c> and <c>tf.io.parse_sequence_example</c>.
/// </summary>
/// <remarks>
/// Errors name the feature: a missing required feature ("Feature: label (data type: int64) is required but could not be
/// found."), a type mismatch ("Key: label, Index: 0. Data types don't match. Data type: float but expected type: int64"),
/// or a wrong number of values. A <see cref="Feature"/> with no list set counts as an empty list of any type.
/// Keys present in the data but not in the description are ignored.
/// </remarks>
public static class ExampleParser
{
    /// <summary>Parses one serialized <see cref="Example"/> (<c>tf.io.parse_single_example</c>).</summary>
    /// <param name="serialized">The record bytes.</param>
    /// <param name="features">Feature key to description.</param>
    /// <returns>Per-key results without a batch dimension; dispose when done.</returns>
    public static ParsedFeatures ParseSingleExample(ReadOnlySpan<byte> serialized, IReadOnlyDictionary<string, FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var example = ParseMessage(Example.Parser, serialized, "Example", 0);
        return ParseFeatureMaps([example.Features], features, batched: false);
    }

    /// <summary>Parses a batch of serialized <see cref="Example"/>s (<c>tf.io.parse_example</c>).</summary>
    /// <param name="serialized">The record bytes, one per example.</param>
    /// <param name="features">Feature key to description.</param>
    /// <returns>Per-key results with a leading batch dimension; dispose when done.</returns>
    public static ParsedFeatures ParseExample(IReadOnlyList<byte[]> serialized, IReadOnlyDictionary<string, FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        ArgumentNullException.ThrowIfNull(features);
        var maps = new Features?[serialized.Count];
        for (int i = 0; i < maps.Length; i++) maps[i] = ParseMessage(Example.Parser, serialized[i], "Example", i).Features;
        return ParseFeatureMaps(maps, features, batched: true);
    }

    /// <summary>Parses one serialized <see cref="SequenceExample"/> (<c>tf.io.parse_single_sequence_example</c>).</summary>
    /// <param name="serialized">The record bytes.</param>
    /// <param name="contextFeatures">Descriptions of context features (FixedLenFeature, VarLenFeature), or null.</param>
    /// <param name="sequenceFeatures">Descriptions of feature lists (FixedLenSequenceFeature: <c>[steps, ..shape]</c>;
    /// VarLenFeature: sparse <c>[steps, maxLength]</c>), or null.</param>
    /// <returns>The context results and the feature-list results; dispose both.</returns>
    public static (ParsedFeatures Context, ParsedFeatures FeatureLists) ParseSingleSequenceExample(ReadOnlySpan<byte> serialized,
        IReadOnlyDictionary<string, FeatureSpec>? contextFeatures, IReadOnlyDictionary<string, FeatureSpec>? sequenceFeatures)
    {
        var example = ParseMessage(SequenceExample.Parser, serialized, "SequenceExample", 0);
        var context = ParseFeatureMaps([example.Context], contextFeatures ?? Empty, batched: false);
        try
        {
            var lists = ParseFeatureLists([example.FeatureLists], sequenceFeatures ?? Empty, batched: false, lengths: null);
            return (context, lists);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Parses a batch of serialized <see cref="SequenceExample"/>s (<c>tf.io.parse_sequence_example</c>).</summary>
    /// <param name="serialized">The record bytes, one per example.</param>
    /// <param name="contextFeatures">Descriptions of context features, or null.</param>
    /// <param name="sequenceFeatures">Descriptions of feature lists, or null. Dense results are <c>[batch, maxSteps, ..shape]</c>, padded.</param>
    /// <returns>Context results, feature-list results, and for each FixedLenSequenceFeature an int64 <c>[batch]</c> tensor of step counts; dispose all three.</returns>
    public static (ParsedFeatures Context, ParsedFeatures FeatureLists, ParsedFeatures Lengths) ParseSequenceExample(IReadOnlyList<byte[]> serialized,
        IReadOnlyDictionary<string, FeatureSpec>? contextFeatures, IReadOnlyDictionary<string, FeatureSpec>? sequenceFeatures)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        var parsed = new SequenceExample[serialized.Count];
        for (int i = 0; i < parsed.Length; i++) parsed[i] = ParseMessage(SequenceExample.Parser, serialized[i], "SequenceExample", i);
        var context = ParseFeatureMaps(parsed.Select(p => p.Context).ToArray(), contextFeatures ?? Empty, batched: true);
        var lengths = new ParsedFeatures();
        try
        {
            var lists = ParseFeatureLists(parsed.Select(p => p.FeatureLists).ToArray(), sequenceFeatures ?? Empty, batched: true, lengths);
            return (context, lists, lengths);
        }
        catch
        {
            context.Dispose();
            lengths.Dispose();
            throw;
        }
    }

    private static readonly IReadOnlyDictionary<string, FeatureSpec> Empty = new Dictionary<string, FeatureSpec>();

    private static T ParseMessage<T>(MessageParser<T> parser, ReadOnlySpan<byte> data, string what, int index) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"Could not parse serialized {what} (index {index}, {data.Length} bytes): {e.Message}", e);
        }
    }

    private static ParsedFeatures ParseFeatureMaps(IReadOnlyList<Features?> examples, IReadOnlyDictionary<string, FeatureSpec> specs, bool batched)
    {
        var result = new ParsedFeatures();
        try
        {
            foreach (var (key, spec) in specs)
            {
                ArgumentNullException.ThrowIfNull(spec, $"features[\"{key}\"]");
                result.Add(key, spec switch
                {
                    FixedLenFeature f => FixedLen(examples, key, f, batched),
                    VarLenFeature v => VarLen(examples.Select(e => Lookup(e, key)).ToArray(), key, v, batched),
                    FixedLenSequenceFeature s => SequenceInExample(examples, key, s, batched),
                    _ => throw new ArgumentException($"Unsupported feature description {spec.GetType().Name} for '{key}'."),
                });
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static Feature? Lookup(Features? map, string key) =>
        map is not null && map.Feature.TryGetValue(key, out var f) ? f : null;

    private static object FixedLen(IReadOnlyList<Features?> examples, string key, FixedLenFeature spec, bool batched)
    {
        long size = spec.ShapeSize;
        var output = new Column(spec.DType, checked(examples.Count * size));
        for (int b = 0; b < examples.Count; b++)
        {
            var feature = Lookup(examples[b], key);
            if (feature is null)
            {
                if (spec.Default is null) throw Required(key, spec);
                output.Fill(b * size, size, spec.Default);
                continue;
            }
            var values = Values.Of(feature, spec, key, b);
            if (values.Count != size)
                throw new InvalidDataException($"Key: {key}, Index: {b}. Number of {spec.DTypeName} values != expected. Values size: {values.Count} but output shape: [{string.Join(", ", spec.Shape)}]");
            output.Put(b * size, values);
        }
        return output.Build(batched ? [examples.Count, .. spec.Shape] : spec.Shape);
    }

    private static SparseFeature VarLen(IReadOnlyList<Feature?> rows, string key, FeatureSpec spec, bool batched)
    {
        var indices = new List<long>();
        var values = new Column(spec.DType, 0);
        long maxLength = 0;
        for (int b = 0; b < rows.Count; b++)
        {
            if (rows[b] is not { } feature) continue;
            var v = Values.Of(feature, spec, key, b);
            for (int i = 0; i < v.Count; i++)
            {
                if (batched) indices.Add(b);
                indices.Add(i);
            }
            values.Append(v);
            maxLength = Math.Max(maxLength, v.Count);
        }
        int rank = batched ? 2 : 1;
        long nnz = indices.Count / rank;
        var indexTensor = torch.tensor(indices.ToArray(), [nnz, rank], ScalarType.Int64);
        var denseShape = batched ? new[] { rows.Count, maxLength } : [maxLength];
        return values.BuildSparse(indexTensor, denseShape);
    }

    private static object SequenceInExample(IReadOnlyList<Features?> examples, string key, FixedLenSequenceFeature spec, bool batched)
    {
        long rowSize = spec.RowSize;
        var found = new Values[examples.Count];
        var rows = new long[examples.Count];
        for (int b = 0; b < examples.Count; b++)
        {
            var feature = Lookup(examples[b], key);
            if (feature is null)
            {
                if (!spec.AllowMissing) throw Required(key, spec);
                continue;
            }
            found[b] = Values.Of(feature, spec, key, b);
            if (rowSize == 0 ? found[b].Count != 0 : found[b].Count % rowSize != 0)
                throw new InvalidDataException($"Key: {key}, Index: {b}. Number of {spec.DTypeName} values is not a multiple of the row shape [{string.Join(", ", spec.Shape)}]: got {found[b].Count}");
            rows[b] = rowSize == 0 ? 0 : found[b].Count / rowSize;
        }
        long maxRows = rows.Length == 0 ? 0 : rows.Max();
        var output = new Column(spec.DType, checked(examples.Count * maxRows * rowSize));
        for (int b = 0; b < examples.Count; b++)
        {
            long at = b * maxRows * rowSize;
            if (rows[b] > 0) output.Put(at, found[b]);
            output.Fill(at + rows[b] * rowSize, (maxRows - rows[b]) * rowSize, spec.Padding);
        }
        return output.Build(batched ? [examples.Count, maxRows, .. spec.Shape] : [maxRows, .. spec.Shape]);
    }

    private static ParsedFeatures ParseFeatureLists(IReadOnlyList<FeatureLists?> examples, IReadOnlyDictionary<string, FeatureSpec> specs, bool batched, ParsedFeatures? lengths)
    {
        var result = new ParsedFeatures();
        try
        {
            foreach (var (key, spec) in specs)
            {
                ArgumentNullException.ThrowIfNull(spec, $"sequenceFeatures[\"{key}\"]");
                var lists = new RepeatedField<Feature>?[examples.Count];
                for (int b = 0; b < lists.Length; b++)
                {
                    if (examples[b] is { } fl && fl.FeatureList.TryGetValue(key, out var list)) lists[b] = list.Feature;
                    else if (spec is FixedLenSequenceFeature { AllowMissing: false })
                        throw new InvalidDataException($"Feature list: {key} (data type: {spec.DTypeName}) is required but could not be found (index {b}).");
                }
                switch (spec)
                {
                    case FixedLenSequenceFeature s:
                        result.Add(key, SequenceSteps(lists, key, s, batched));
                        lengths?.Add(key, torch.tensor(lists.Select(l => (long)(l?.Count ?? 0)).ToArray(), ScalarType.Int64));
                        break;
                    case VarLenFeature v:
                        result.Add(key, VarLenSteps(lists, key, v, batched));
                        break;
                    default:
                        throw new ArgumentException($"Sequence feature '{key}' must be a FixedLenSequenceFeature or VarLenFeature, got {spec}.");
                }
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static object SequenceSteps(IReadOnlyList<RepeatedField<Feature>?> lists, string key, FixedLenSequenceFeature spec, bool batched)
    {
        long rowSize = spec.RowSize;
        long maxSteps = lists.Count == 0 ? 0 : lists.Max(l => (long)(l?.Count ?? 0));
        var output = new Column(spec.DType, checked(lists.Count * maxSteps * rowSize));
        for (int b = 0; b < lists.Count; b++)
        {
            long at = b * maxSteps * rowSize;
            int steps = lists[b]?.Count ?? 0;
            for (int t = 0; t < steps; t++)
            {
                var v = Values.Of(lists[b]![t], spec, key, b);
                if (v.Count != rowSize)
                    throw new InvalidDataException($"Key: {key}, Index: {b}, Step: {t}. Number of {spec.DTypeName} values != expected. Values size: {v.Count} but output shape: [{string.Join(", ", spec.Shape)}]");
                output.Put(at + t * rowSize, v);
            }
            output.Fill(at + steps * rowSize, (maxSteps - steps) * rowSize, spec.Padding);
        }
        return output.Build(batched ? [lists.Count, maxSteps, .. spec.Shape] : [maxSteps, .. spec.Shape]);
    }

    private static SparseFeature VarLenSteps(IReadOnlyList<RepeatedField<Feature>?> lists, string key, VarLenFeature spec, bool batched)
    {
        var indices = new List<long>();
        var values = new Column(spec.DType, 0);
        long maxSteps = 0, maxLength = 0;
        for (int b = 0; b < lists.Count; b++)
        {
            int steps = lists[b]?.Count ?? 0;
            maxSteps = Math.Max(maxSteps, steps);
            for (int t = 0; t < steps; t++)
            {
                var v = Values.Of(lists[b]![t], spec, key, b);
                for (int i = 0; i < v.Count; i++)
                {
                    if (batched) indices.Add(b);
                    indices.Add(t);
                    indices.Add(i);
                }
                values.Append(v);
                maxLength = Math.Max(maxLength, v.Count);
            }
        }
        int rank = batched ? 3 : 2;
        var indexTensor = torch.tensor(indices.ToArray(), [indices.Count / rank, rank], ScalarType.Int64);
        var denseShape = batched ? new[] { lists.Count, maxSteps, maxLength } : [maxSteps, maxLength];
        return values.BuildSparse(indexTensor, denseShape);
    }

    private static InvalidDataException Required(string key, FeatureSpec spec) =>
        new($"Feature: {key} (data type: {spec.DTypeName}) is required but could not be found.");

    /// <summary>The values of one Feature, type-checked against the description.</summary>
    private readonly struct Values
    {
        public readonly RepeatedField<long>? Int64;
        public readonly RepeatedField<float>? Float32;
        public readonly RepeatedField<ByteString>? Bytes;

        private Values(RepeatedField<long>? i, RepeatedField<float>? f, RepeatedField<ByteString>? s) => (Int64, Float32, Bytes) = (i, f, s);

        public int Count => Int64?.Count ?? Float32?.Count ?? Bytes?.Count ?? 0;

        public static Values Of(Feature feature, FeatureSpec spec, string key, int index)
        {
            var actual = feature.KindCase switch
            {
                Feature.KindOneofCase.BytesList => FeatureType.String,
                Feature.KindOneofCase.Int64List => FeatureType.Int64,
                Feature.KindOneofCase.FloatList => FeatureType.Float32,
                _ => spec.DType, // an empty Feature is an empty list of any type
            };
            if (actual != spec.DType)
            {
                string name = actual switch { FeatureType.String => "string", FeatureType.Int64 => "int64", _ => "float" };
                throw new InvalidDataException($"Key: {key}, Index: {index}. Data types don't match. Data type: {name} but expected type: {spec.DTypeName}");
            }
            return new Values(feature.Int64List?.Value, feature.FloatList?.Value, feature.BytesList?.Value);
        }
    }

    /// <summary>Flat output values of one type, turned into a tensor (or string tensor) at the end.</summary>
    private sealed class Column
    {
        private readonly FeatureType _type;
        private long[] _int64 = [];
        private float[] _float32 = [];
        private byte[][] _bytes = [];
        private int _count;

        public Column(FeatureType type, long size)
        {
            _type = type;
            if (size > Array.MaxLength) throw new InvalidDataException($"Parsed feature would need {size} values, more than an array can hold.");
            Resize((int)size);
            _count = (int)size;
        }

        public void Put(long offset, Values v)
        {
            int at = (int)offset;
            switch (_type)
            {
                case FeatureType.Int64: v.Int64?.CopyTo(_int64, at); break;
                case FeatureType.Float32: v.Float32?.CopyTo(_float32, at); break;
                default:
                    if (v.Bytes is { } bs)
                        for (int i = 0; i < bs.Count; i++) _bytes[at + i] = bs[i].ToByteArray();
                    break;
            }
        }

        public void Append(Values v)
        {
            int n = v.Count;
            if (n == 0) return;
            if (_count + n > Capacity) Resize(Math.Max(_count + n, Capacity * 2));
            Put(_count, v);
            _count += n;
        }

        public void Fill(long offset, long count, DefaultValues d)
        {
            int at = (int)offset, n = (int)count;
            for (int i = 0; i < n; i++)
            {
                int j = d.Count == 1 ? 0 : i;
                switch (_type)
                {
                    case FeatureType.Int64: _int64[at + i] = d.Int64![j]; break;
                    case FeatureType.Float32: _float32[at + i] = d.Float32![j]; break;
                    default: _bytes[at + i] = d.Strings![j]; break;
                }
            }
        }

        public object Build(long[] shape) => _type switch
        {
            FeatureType.Int64 => torch.tensor(Trimmed(_int64), shape, ScalarType.Int64),
            FeatureType.Float32 => torch.tensor(Trimmed(_float32), shape, ScalarType.Float32),
            _ => new StringTensor(shape, Trimmed(_bytes)),
        };

        public SparseFeature BuildSparse(Tensor indices, long[] denseShape)
        {
            try
            {
                return _type switch
                {
                    FeatureType.Int64 => new SparseFeature(indices, torch.tensor(Trimmed(_int64), ScalarType.Int64), null, denseShape, _type),
                    FeatureType.Float32 => new SparseFeature(indices, torch.tensor(Trimmed(_float32), ScalarType.Float32), null, denseShape, _type),
                    _ => new SparseFeature(indices, null, Trimmed(_bytes), denseShape, _type),
                };
            }
            catch
            {
                indices.Dispose();
                throw;
            }
        }

        private int Capacity => _type switch { FeatureType.Int64 => _int64.Length, FeatureType.Float32 => _float32.Length, _ => _bytes.Length };

        private void Resize(int size)
        {
            switch (_type)
            {
                case FeatureType.Int64: Array.Resize(ref _int64, size); break;
                case FeatureType.Float32: Array.Resize(ref _float32, size); break;
                default: Array.Resize(ref _bytes, size); break;
            }
        }

        private T[] Trimmed<T>(T[] a)
        {
            if (a.Length == _count) return a;
            Array.Resize(ref a, _count);
            return a;
        }
    }
}
