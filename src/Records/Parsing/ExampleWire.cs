using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Pipeline.Records;

/// <summary>
/// Reads the protobuf wire format of a serialized <see cref="Example"/> directly, without building the message:
/// finds the <see cref="Feature"/> bytes of the wanted keys and decodes their lists straight into output arrays.
/// Anything beyond the plain encoding TensorFlow and protobuf writers produce (a repeated <c>features</c> field, two
/// list kinds in one Feature, groups, malformed bytes) makes it give up, and the caller falls back to Google.Protobuf,
/// which then applies protobuf's merge rules or reports the error.
/// </summary>
internal static class ExampleWire
{
    private const int Varint = 0, Fixed64 = 1, Delimited = 2, Fixed32 = 5;

    /// <summary>UTF-8 bytes of each wanted key, in the description's order.</summary>
    public static byte[][] EncodeKeys(IEnumerable<string> keys) => keys.Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>
    /// For each wanted key, the (start, length) of its Feature message inside <paramref name="example"/>; start -1 when
    /// absent. The last entry for a key wins, as in protobuf map parsing.
    /// </summary>
    public static bool TryScan(ReadOnlySpan<byte> example, byte[][] keys, Span<(int Start, int Length)> found)
    {
        found.Fill((-1, 0));
        int pos = 0, featuresStart = -1, featuresLength = 0;
        while (pos < example.Length)
        {
            if (!TryReadTag(example, ref pos, out int field, out int wire)) return false;
            if (field == 1)
            {
                if (wire != Delimited || featuresStart >= 0 || !TryReadLength(example, ref pos, out featuresLength)) return false; // merging: leave to protobuf
                featuresStart = pos;
                pos += featuresLength;
            }
            else if (!TrySkip(example, ref pos, wire)) return false;
        }
        if (featuresStart < 0) return true;

        var features = example.Slice(featuresStart, featuresLength);
        pos = 0;
        while (pos < features.Length)
        {
            if (!TryReadTag(features, ref pos, out int field, out int wire)) return false;
            if (field != 1)
            {
                if (!TrySkip(features, ref pos, wire)) return false;
                continue;
            }
            if (wire != Delimited) return false;
            if (!TryReadLength(features, ref pos, out int entryLength)) return false;
            var entry = features.Slice(pos, entryLength);
            int entryStart = featuresStart + pos;
            pos += entryLength;

            // A map entry: key = 1, value = 2; either may be missing (empty key / empty Feature).
            ReadOnlySpan<byte> key = default;
            int valueStart = entryStart + entry.Length, valueLength = 0;
            bool valueSeen = false;
            int e = 0;
            while (e < entry.Length)
            {
                if (!TryReadTag(entry, ref e, out int f, out int w)) return false;
                if (f is 1 or 2)
                {
                    if (w != Delimited) return false;
                    if (!TryReadLength(entry, ref e, out int len)) return false;
                    if (f == 1)
                    {
                        key = entry.Slice(e, len);
                        if (!System.Text.Unicode.Utf8.IsValid(key)) return false; // protobuf rejects invalid UTF-8 in string fields
                    }
                    else if (valueSeen) return false; // protobuf would merge the two Feature messages
                    else (valueStart, valueLength, valueSeen) = (entryStart + e, len, true);
                    e += len;
                }
                else if (!TrySkip(entry, ref e, w)) return false;
            }
            for (int k = 0; k < keys.Length; k++)
                if (key.SequenceEqual(keys[k])) found[k] = (valueStart, valueLength);
            // Every Feature must be well-formed (also ones nobody asked for, or an earlier duplicate), or protobuf would reject the Example.
            if (!IsWellFormedFeature(example.Slice(valueStart, valueLength))) return false;
        }
        return true;
    }

    private static bool IsWellFormedFeature(ReadOnlySpan<byte> feature) =>
        TryReadFeature(feature, FeatureType.Int64, out var kind, out int start, out int length) && Count(feature.Slice(start, length), kind) >= 0;

    /// <summary>
    /// Splits a Feature message into its list kind and the list message's bytes. An empty Feature gives <paramref name="expected"/>
    /// with an empty list. False when the Feature holds more than one list field.
    /// </summary>
    public static bool TryReadFeature(ReadOnlySpan<byte> feature, FeatureType expected, out FeatureType kind, out int listStart, out int listLength)
    {
        kind = expected;
        listStart = 0;
        listLength = 0;
        bool seen = false;
        int pos = 0;
        while (pos < feature.Length)
        {
            if (!TryReadTag(feature, ref pos, out int field, out int wire)) return false;
            if (field is 1 or 2 or 3)
            {
                if (wire != Delimited || seen || !TryReadLength(feature, ref pos, out listLength)) return false;
                seen = true;
                kind = field switch { 1 => FeatureType.String, 2 => FeatureType.Float32, _ => FeatureType.Int64 };
                listStart = pos;
                pos += listLength;
            }
            else if (!TrySkip(feature, ref pos, wire)) return false;
        }
        return true;
    }

    /// <summary>Number of values in a list message of <paramref name="kind"/>; -1 when malformed.</summary>
    public static int Count(ReadOnlySpan<byte> list, FeatureType kind)
    {
        int pos = 0, count = 0;
        while (pos < list.Length)
        {
            if (!TryReadTag(list, ref pos, out int field, out int wire)) return -1;
            if (field != 1)
            {
                if (!TrySkip(list, ref pos, wire)) return -1;
                continue;
            }
            switch (kind, wire)
            {
                case (FeatureType.String, Delimited):
                case (FeatureType.Float32, Delimited) or (FeatureType.Int64, Delimited):
                    if (!TryReadLength(list, ref pos, out int len)) return -1;
                    if (kind == FeatureType.String) count++;
                    else if (kind == FeatureType.Float32)
                    {
                        if (len % 4 != 0) return -1;
                        count += len / 4;
                    }
                    else
                    {
                        var packed = list.Slice(pos, len);
                        for (int p = 0; p < packed.Length; count++)
                            if (!TryReadVarint(packed, ref p, out _)) return -1;
                    }
                    pos += len;
                    break;
                case (FeatureType.Float32, Fixed32):
                    if (list.Length - pos < 4) return -1;
                    pos += 4;
                    count++;
                    break;
                case (FeatureType.Int64, Varint):
                    if (!TryReadVarint(list, ref pos, out _)) return -1;
                    count++;
                    break;
                default:
                    return -1;
            }
        }
        return count;
    }

    /// <summary>Decodes an Int64List (packed or not) into <paramref name="output"/>; the list was counted first.</summary>
    public static void CopyInt64(ReadOnlySpan<byte> list, Span<long> output)
    {
        int pos = 0, n = 0;
        while (pos < list.Length)
        {
            TryReadTag(list, ref pos, out int field, out int wire);
            if (field != 1) { TrySkip(list, ref pos, wire); continue; }
            if (wire == Varint)
            {
                TryReadVarint(list, ref pos, out ulong v);
                output[n++] = (long)v;
                continue;
            }
            TryReadLength(list, ref pos, out int len);
            int end = pos + len;
            while (pos < end)
            {
                TryReadVarint(list, ref pos, out ulong v);
                output[n++] = (long)v;
            }
        }
    }

    /// <summary>Decodes a FloatList (packed or not) into <paramref name="output"/>; the list was counted first.</summary>
    public static void CopyFloat32(ReadOnlySpan<byte> list, Span<float> output)
    {
        int pos = 0, n = 0;
        while (pos < list.Length)
        {
            TryReadTag(list, ref pos, out int field, out int wire);
            if (field != 1) { TrySkip(list, ref pos, wire); continue; }
            int len = 4;
            if (wire == Delimited) TryReadLength(list, ref pos, out len);
            var bytes = list.Slice(pos, len);
            if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(bytes).CopyTo(output[n..]);
            else for (int i = 0; i < len / 4; i++) output[n + i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
            n += len / 4;
            pos += len;
        }
    }

    /// <summary>
    /// The values of a BytesList at <paramref name="start"/> in <paramref name="record"/>: values of at least
    /// <paramref name="minViewLength"/> bytes as views of the record, shorter ones copied into their own arrays.
    /// </summary>
    public static void CopyBytes(byte[] record, int start, int length, Span<ReadOnlyMemory<byte>> output, int minViewLength)
    {
        var list = record.AsSpan(start, length);
        int pos = 0, n = 0;
        while (pos < list.Length)
        {
            TryReadTag(list, ref pos, out int field, out int wire);
            if (field != 1) { TrySkip(list, ref pos, wire); continue; }
            TryReadLength(list, ref pos, out int len);
            if (len >= minViewLength) output[n++] = new ReadOnlyMemory<byte>(record, start + pos, len);
            else output[n++] = list.Slice(pos, len).ToArray();
            pos += len;
        }
    }

    private static bool TryReadTag(ReadOnlySpan<byte> s, ref int pos, out int field, out int wire)
    {
        field = wire = 0;
        if (!TryReadVarint(s, ref pos, out ulong tag) || tag > int.MaxValue) return false;
        field = (int)(tag >> 3);
        wire = (int)(tag & 7);
        return field > 0;
    }

    private static bool TryReadLength(ReadOnlySpan<byte> s, ref int pos, out int length)
    {
        length = 0;
        if (!TryReadVarint(s, ref pos, out ulong v) || v > (ulong)(s.Length - pos)) return false;
        length = (int)v;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> s, ref int pos, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= s.Length) return false;
            byte b = s[pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }

    private static bool TrySkip(ReadOnlySpan<byte> s, ref int pos, int wire)
    {
        switch (wire)
        {
            case Varint: return TryReadVarint(s, ref pos, out _);
            case Fixed64: if (s.Length - pos < 8) return false; pos += 8; return true;
            case Fixed32: if (s.Length - pos < 4) return false; pos += 4; return true;
            case Delimited:
                if (!TryReadLength(s, ref pos, out int len)) return false;
                pos += len;
                return true;
            default: return false; // groups (3, 4) and invalid wire types: let protobuf decide
        }
    }
}
