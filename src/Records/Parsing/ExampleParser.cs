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
    /// <param name="serialized">The record bytes (copied once; large string values are views of the copy).</param>
    /// <param name="features">Feature key to description.</param>
    /// <returns>Per-key results without a batch dimension; dispose when done.</returns>
    public static ParsedFeatures ParseSingleExample(ReadOnlySpan<byte> serialized, IReadOnlyDictionary<string, FeatureSpec> features) =>
        ParseSingleExample(serialized.ToArray(), features);

    /// <summary>Parses one serialized <see cref="Example"/> (<c>tf.io.parse_single_example</c>), e.g. an element of <see cref="TFRecordDataset"/>.</summary>
    /// <remarks>
    /// The result takes a share of <paramref name="serialized"/> instead of copying out of it: a string value that is at
    /// least half of the record (an encoded image, say) is a view of the array (<see cref="ParsedFeatures.BytesMemory"/>
    /// reads it in place; <see cref="ParsedFeatures.Bytes"/> copies it on first access), so do not modify the array while
    /// you use the result. <see cref="TFRecordDataset"/> hands out each record in a new array nobody else holds. Smaller
    /// values are copied, so that a kept result never holds on to a record much larger than itself.
    /// </remarks>
    /// <param name="serialized">The record bytes (not copied; see remarks).</param>
    /// <param name="features">Feature key to description.</param>
    /// <returns>Per-key results without a batch dimension; dispose when done.</returns>
    public static ParsedFeatures ParseSingleExample(byte[] serialized, IReadOnlyDictionary<string, FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        ArgumentNullException.ThrowIfNull(features);
        try
        {
            return ParseExamples([serialized], features, batched: false, allowWire: true, views: true);
        }
        catch (InvalidDataException e)
        {
            throw RecordOrigins.WithOrigin(serialized, e);
        }
    }

    /// <summary>
    /// Parses one <see cref="Example"/> in a pooled record of <see cref="TFRecordDataset.Pooled"/>, reading the buffer in
    /// place (string values are copied out, so the result outlives the buffer, which goes back to the pool); an error names
    /// the record's file, index and byte offset.
    /// </summary>
    /// <param name="record">The record; not disposed (in a <c>Map</c>, the step returns it to the pool).</param>
    /// <param name="features">Feature key to description.</param>
    /// <returns>Per-key results without a batch dimension; dispose when done.</returns>
    public static ParsedFeatures ParseSingleExample(RecordBuffer record, IReadOnlyDictionary<string, FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(features);
        try
        {
            return ParseExamples([record.Segment], features, batched: false, allowWire: true, views: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"In '{record.FileName}', record {record.Index} (byte offset {record.Offset}): {e.Message}", e);
        }
    }

    /// <summary>Parses a batch of serialized <see cref="Example"/>s (<c>tf.io.parse_example</c>).</summary>
    /// <param name="serialized">The record bytes, one per example (large string values are views of them, as in <see cref="ParseSingleExample(byte[], IReadOnlyDictionary{string, FeatureSpec})"/>).</param>
    /// <param name="features">Feature key to description.</param>
    /// <returns>Per-key results with a leading batch dimension; dispose when done.</returns>
    public static ParsedFeatures ParseExample(IReadOnlyList<byte[]> serialized, IReadOnlyDictionary<string, FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(serialized);
        ArgumentNullException.ThrowIfNull(features);
        return ParseExamples(serialized, features, batched: true, allowWire: true, views: true);
    }

    /// <summary>
    /// Reads the wire format directly when it is the plain encoding (no object graph, values decoded straight into the
    /// output arrays), else parses with Google.Protobuf, which applies protobuf's merge rules and reports malformed input.
    /// With <paramref name="views"/>, string values of at least half their record are views of it rather than copies.
    /// </summary>
    internal static ParsedFeatures ParseExamples(IReadOnlyList<byte[]> serialized, IReadOnlyDictionary<string, FeatureSpec> specs, bool batched, bool allowWire, bool views)
    {
        var segments = new ArraySegment<byte>[serialized.Count];
        for (int i = 0; i < segments.Length; i++)
            segments[i] = serialized[i] ?? throw new ArgumentNullException($"serialized[{i}]");
        return ParseExamples(segments, specs, batched, allowWire, views);
    }

    /// <summary>The same over parts of arrays (a pooled <see cref="RecordBuffer"/>'s block, read without <paramref name="views"/>).</summary>
    internal static ParsedFeatures ParseExamples(IReadOnlyList<ArraySegment<byte>> serialized, IReadOnlyDictionary<string, FeatureSpec> specs, bool batched, bool allowWire, bool views)
    {
        var entries = specs.ToArray();
        var raw = allowWire ? RawSource.TryCreate(serialized, entries, views) : null;
        if (raw is not null) return ParseFeatureMaps(raw, entries, batched);
        var maps = new Features?[serialized.Count];
        for (int i = 0; i < maps.Length; i++)
            maps[i] = ParseMessage(Example.Parser, serialized[i].AsSpan(), "Example", i).Features;
        return ParseFeatureMaps(new ProtoSource(maps), entries, batched);
    }

    /// <summary>
    /// Parses one serialized <see cref="SequenceExample"/> (<c>tf.io.parse_single_sequence_example</c>). In a <c>Map</c> over
    /// a <see cref="TFRecordDataset"/>, the result is a Dataset element like TensorFlow's pair of parsed
    /// dictionaries: <c>PaddedBatch</c> pads every feature list to the longest sequence in the batch (string steps with
    /// empty strings) and batches the context; <c>Batch</c> needs sequences of one length.
    /// <code>
    /// var batches = new TFRecordDataset(files, TFRecordCompression.Gzip)
    ///     .Map(r =&gt; ExampleParser.ParseSingleSequenceExample(r, context, sequence))
    ///     .PaddedBatch(32);   // (Context, FeatureLists), feature lists [32, longest, ..shape]
    /// </code>
    /// </summary>
    /// <param name="serialized">The record bytes. A record a <see cref="TFRecordDataset"/> read recently that does not parse is
    /// named in the error by its file, record index and byte offset.</param>
    /// <param name="contextFeatures">Descriptions of context features (FixedLenFeature, VarLenFeature), or null.</param>
    /// <param name="sequenceFeatures">Descriptions of feature lists (FixedLenSequenceFeature: <c>[steps, ..shape]</c>;
    /// VarLenFeature: sparse <c>[steps, maxLength]</c>), or null.</param>
    /// <returns>The context results and the feature-list results; dispose both (as a Dataset element: the receiver's).</returns>
    public static (ParsedFeatures Context, ParsedFeatures FeatureLists) ParseSingleSequenceExample(ReadOnlySpan<byte> serialized,
        IReadOnlyDictionary<string, FeatureSpec>? contextFeatures, IReadOnlyDictionary<string, FeatureSpec>? sequenceFeatures)
    {
        try
        {
            return ParseOneSequence(serialized, contextFeatures, sequenceFeatures);
        }
        catch (InvalidDataException e)
        {
            throw RecordOrigins.WithOrigin(serialized, e);
        }
    }

    /// <summary>
    /// Parses one <see cref="SequenceExample"/> in a pooled record of <see cref="TFRecordDataset.Pooled"/>
    /// (<c>tf.io.parse_single_sequence_example</c>); an error names the record's file and index.
    /// </summary>
    /// <param name="record">The record; not disposed (in a <c>Map</c>, the step returns it to the pool).</param>
    /// <param name="contextFeatures">Descriptions of context features, or null.</param>
    /// <param name="sequenceFeatures">Descriptions of feature lists, or null.</param>
    /// <returns>The context results and the feature-list results; dispose both (as a Dataset element: the receiver's).</returns>
    public static (ParsedFeatures Context, ParsedFeatures FeatureLists) ParseSingleSequenceExample(RecordBuffer record,
        IReadOnlyDictionary<string, FeatureSpec>? contextFeatures, IReadOnlyDictionary<string, FeatureSpec>? sequenceFeatures)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            return ParseOneSequence(record.Span, contextFeatures, sequenceFeatures);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"In '{record.FileName}', record {record.Index} (byte offset {record.Offset}): {e.Message}", e);
        }
    }

    private static (ParsedFeatures Context, ParsedFeatures FeatureLists) ParseOneSequence(ReadOnlySpan<byte> serialized,
        IReadOnlyDictionary<string, FeatureSpec>? contextFeatures, IReadOnlyDictionary<string, FeatureSpec>? sequenceFeatures)
    {
        var example = ParseMessage(SequenceExample.Parser, serialized, "SequenceExample", 0);
        var context = ParseFeatureMaps(new ProtoSource([example.Context]), (contextFeatures ?? Empty).ToArray(), batched: false);
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
        var context = ParseFeatureMaps(new ProtoSource(parsed.Select(p => p.Context).ToArray()), (contextFeatures ?? Empty).ToArray(), batched: true);
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

    private static ParsedFeatures ParseFeatureMaps(IFeatureSource examples, KeyValuePair<string, FeatureSpec>[] specs, bool batched)
    {
        var result = new ParsedFeatures();
        try
        {
            for (int k = 0; k < specs.Length; k++)
            {
                var (key, spec) = specs[k];
                ArgumentNullException.ThrowIfNull(spec, $"features[\"{key}\"]");
                result.Add(key, spec switch
                {
                    FixedLenFeature f => FixedLen(examples, k, key, f, batched),
                    VarLenFeature v => VarLen(examples, k, key, v, batched),
                    FixedLenSequenceFeature s => SequenceInExample(examples, k, key, s, batched),
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

    private static object FixedLen(IFeatureSource examples, int k, string key, FixedLenFeature spec, bool batched)
    {
        long size = spec.ShapeSize;
        var output = new Column(spec.DType, checked(examples.Count * size));
        for (int b = 0; b < examples.Count; b++)
        {
            if (!examples.TryGet(b, k, key, spec, out var values))
            {
                if (spec.Default is null) throw Required(key, spec);
                output.Fill(b * size, size, spec.Default);
                continue;
            }
            if (values.Count != size)
                throw new InvalidDataException($"Key: {key}, Index: {b}. Number of {spec.DTypeName} values != expected. Values size: {values.Count} but output shape: [{string.Join(", ", spec.Shape)}]");
            output.Put(b * size, values);
        }
        return output.Build(batched ? [examples.Count, .. spec.Shape] : spec.Shape);
    }

    private static SparseFeature VarLen(IFeatureSource rows, int k, string key, FeatureSpec spec, bool batched)
    {
        var indices = new List<long>();
        var values = new Column(spec.DType, 0);
        long maxLength = 0;
        for (int b = 0; b < rows.Count; b++)
        {
            if (!rows.TryGet(b, k, key, spec, out var v)) continue;
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

    private static object SequenceInExample(IFeatureSource examples, int k, string key, FixedLenSequenceFeature spec, bool batched)
    {
        long rowSize = spec.RowSize;
        var found = new Values[examples.Count];
        var rows = new long[examples.Count];
        for (int b = 0; b < examples.Count; b++)
        {
            if (!examples.TryGet(b, k, key, spec, out found[b]))
            {
                if (!spec.AllowMissing) throw Required(key, spec);
                continue;
            }
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

    /// <summary>Where each example's features come from: parsed protobuf messages, or the raw wire bytes.</summary>
    private interface IFeatureSource
    {
        int Count { get; }

        /// <summary>The values of feature <paramref name="key"/> (description index <paramref name="k"/>) in example <paramref name="b"/>, type-checked; false when absent.</summary>
        bool TryGet(int b, int k, string key, FeatureSpec spec, out Values values);
    }

    private sealed class ProtoSource(IReadOnlyList<Features?> maps) : IFeatureSource
    {
        public int Count => maps.Count;

        public bool TryGet(int b, int k, string key, FeatureSpec spec, out Values values)
        {
            values = default;
            if (Lookup(maps[b], key) is not { } feature) return false;
            values = Values.Of(feature, spec, key, b);
            return true;
        }
    }

    private sealed class RawSource : IFeatureSource
    {
        private readonly IReadOnlyList<ArraySegment<byte>> _data;
        private readonly RawFeature[] _features; // [example * keys + key]; positions in the segment's array
        private readonly int _keys;
        private readonly bool _views;

        private RawSource(IReadOnlyList<ArraySegment<byte>> data, RawFeature[] features, int keys, bool views) => (_data, _features, _keys, _views) = (data, features, keys, views);

        public int Count => _data.Count;

        /// <summary>Scans and validates every wanted feature of every example; null if any needs the full protobuf parser.</summary>
        public static RawSource? TryCreate(IReadOnlyList<ArraySegment<byte>> data, KeyValuePair<string, FeatureSpec>[] specs, bool views)
        {
            var keys = ExampleWire.EncodeKeys(specs.Select(s => s.Key));
            var features = new RawFeature[data.Count * keys.Length];
            Span<(int Start, int Length)> found = keys.Length <= 64 ? stackalloc (int, int)[keys.Length] : new (int, int)[keys.Length];
            for (int b = 0; b < data.Count; b++)
            {
                var bytes = data[b].AsSpan();
                if (data[b].Array is null || !ExampleWire.TryScan(bytes, keys, found)) return null;
                for (int k = 0; k < keys.Length; k++)
                {
                    var (start, length) = found[k];
                    ref var f = ref features[b * keys.Length + k];
                    f.Start = -1;
                    if (start < 0) continue;
                    var expected = specs[k].Value?.DType ?? FeatureType.Int64;
                    if (!ExampleWire.TryReadFeature(bytes.Slice(start, length), expected, out f.Kind, out int listStart, out f.Length)) return null;
                    f.Count = ExampleWire.Count(bytes.Slice(start + listStart, f.Length), f.Kind);
                    f.Start = data[b].Offset + start + listStart;
                    if (f.Count < 0) return null;
                }
            }
            return new RawSource(data, features, keys.Length, views);
        }

        public bool TryGet(int b, int k, string key, FeatureSpec spec, out Values values)
        {
            var f = _features[b * _keys + k];
            values = default;
            if (f.Start < 0) return false;
            Values.CheckType(f.Kind, spec, key, b);
            // A string value becomes a view of the record when it is at least half of it: a kept value then holds at most twice its size.
            values = new Values(_data[b].Array!, f, _views ? (_data[b].Count + 1) / 2 : int.MaxValue);
            return true;
        }
    }

    /// <summary>A feature's list inside the raw bytes: kind, list message position, value count.</summary>
    private struct RawFeature
    {
        public int Start;
        public int Length;
        public int Count;
        public FeatureType Kind;
    }

    /// <summary>The values of one Feature, type-checked against the description: protobuf lists or a raw list message.</summary>
    private readonly struct Values
    {
        public readonly RepeatedField<long>? Int64;
        public readonly RepeatedField<float>? Float32;
        public readonly RepeatedField<ByteString>? Bytes;
        public readonly byte[]? Raw;
        public readonly RawFeature RawList;
        public readonly int MinViewLength; // string values at least this long are views of Raw, shorter ones copies

        private Values(RepeatedField<long>? i, RepeatedField<float>? f, RepeatedField<ByteString>? s) => (Int64, Float32, Bytes) = (i, f, s);

        public Values(byte[] raw, RawFeature list, int minViewLength) => (Raw, RawList, MinViewLength) = (raw, list, minViewLength);

        public int Count => Raw is not null ? RawList.Count : Int64?.Count ?? Float32?.Count ?? Bytes?.Count ?? 0;

        public ReadOnlySpan<byte> RawSpan => Raw.AsSpan(RawList.Start, RawList.Length);

        public static Values Of(Feature feature, FeatureSpec spec, string key, int index)
        {
            var actual = feature.KindCase switch
            {
                Feature.KindOneofCase.BytesList => FeatureType.String,
                Feature.KindOneofCase.Int64List => FeatureType.Int64,
                Feature.KindOneofCase.FloatList => FeatureType.Float32,
                _ => spec.DType, // an empty Feature is an empty list of any type
            };
            CheckType(actual, spec, key, index);
            return new Values(feature.Int64List?.Value, feature.FloatList?.Value, feature.BytesList?.Value);
        }

        public static void CheckType(FeatureType actual, FeatureSpec spec, string key, int index)
        {
            if (actual == spec.DType) return;
            string name = actual switch { FeatureType.String => "string", FeatureType.Int64 => "int64", _ => "float" };
            throw new InvalidDataException($"Key: {key}, Index: {index}. Data types don't match. Data type: {name} but expected type: {spec.DTypeName}");
        }
    }

    /// <summary>Flat output values of one type, turned into a tensor (or string tensor) at the end.</summary>
    private sealed class Column
    {
        private readonly FeatureType _type;
        private long[] _int64 = [];
        private float[] _float32 = [];
        private ReadOnlyMemory<byte>[] _bytes = [];
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
            if (v.Raw is not null)
            {
                if (v.Count == 0) return;
                switch (_type)
                {
                    case FeatureType.Int64: ExampleWire.CopyInt64(v.RawSpan, _int64.AsSpan(at, v.Count)); break;
                    case FeatureType.Float32: ExampleWire.CopyFloat32(v.RawSpan, _float32.AsSpan(at, v.Count)); break;
                    default: ExampleWire.CopyBytes(v.Raw, v.RawList.Start, v.RawList.Length, _bytes.AsSpan(at, v.Count), v.MinViewLength); break;
                }
                return;
            }
            switch (_type)
            {
                case FeatureType.Int64: v.Int64?.CopyTo(_int64, at); break;
                case FeatureType.Float32: v.Float32?.CopyTo(_float32, at); break;
                default:
                    if (v.Bytes is { } bs)
                        for (int i = 0; i < bs.Count; i++) _bytes[at + i] = bs[i].Memory;   // ByteStrings are immutable: no copy
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

        // A scalar (a label, say) through the 0-d factory: about a third of the cost of an array with an empty shape.
        public object Build(long[] shape) => _type switch
        {
            FeatureType.Int64 => shape.Length == 0 && _count == 1 ? torch.tensor(_int64[0]) : torch.tensor(Trimmed(_int64), shape, ScalarType.Int64),
            FeatureType.Float32 => shape.Length == 0 && _count == 1 ? torch.tensor(_float32[0]) : torch.tensor(Trimmed(_float32), shape, ScalarType.Float32),
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
                    _ => new SparseFeature(indices, null, Array.ConvertAll(Trimmed(_bytes), v => v.ToArray()), denseShape, _type),
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
