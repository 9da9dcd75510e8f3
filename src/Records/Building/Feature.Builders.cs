using System.Text;
using Google.Protobuf;

namespace Pipeline.Records;

// The tutorial's _bytes_feature / _float_feature / _int64_feature helpers, as factories on the generated message.
public sealed partial class Feature
{
    /// <summary>A feature holding one byte string (the tutorial's <c>_bytes_feature(value)</c>), e.g. an encoded image.</summary>
    /// <param name="value">The bytes (copied).</param>
    /// <returns>A new feature with a <see cref="BytesList"/> of one value.</returns>
    public static Feature Bytes(ReadOnlySpan<byte> value) => new() { BytesList = new BytesList { Value = { ByteString.CopyFrom(value) } } };

    /// <summary>A feature holding several byte strings.</summary>
    /// <param name="values">The byte strings (copied).</param>
    /// <returns>A new feature with a <see cref="BytesList"/>.</returns>
    public static Feature Bytes(IEnumerable<byte[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new BytesList();
        foreach (var v in values) list.Value.Add(ByteString.CopyFrom(v ?? throw new ArgumentException("A value is null.", nameof(values))));
        return new Feature { BytesList = list };
    }

    /// <summary>A feature holding UTF-8 strings (what <c>_bytes_feature(s.encode())</c> stores).</summary>
    /// <param name="values">The strings.</param>
    /// <returns>A new feature with a <see cref="BytesList"/>.</returns>
    public static Feature String(params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new BytesList();
        foreach (var v in values) list.Value.Add(ByteString.CopyFrom(v ?? throw new ArgumentException("A value is null.", nameof(values)), Encoding.UTF8));
        return new Feature { BytesList = list };
    }

    /// <summary>A feature holding 64-bit integers (the tutorial's <c>_int64_feature</c>; also bools and enums as integers).</summary>
    /// <param name="values">The integers.</param>
    /// <returns>A new feature with an <see cref="Int64List"/>.</returns>
    public static Feature Int64(params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new Int64List();
        list.Value.Add(values);
        return new Feature { Int64List = list };
    }

    /// <summary>A feature holding 32-bit floats (the tutorial's <c>_float_feature</c>; doubles are stored as float).</summary>
    /// <param name="values">The floats.</param>
    /// <returns>A new feature with a <see cref="FloatList"/>.</returns>
    public static Feature Float(params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = new FloatList();
        list.Value.Add(values);
        return new Feature { FloatList = list };
    }
}
