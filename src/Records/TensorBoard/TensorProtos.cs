using System.Runtime.InteropServices;
using Google.Protobuf;
using NumSharp;
using Pipeline.Records.TensorBoard;

namespace Pipeline.Records;

/// <summary>
/// <c>tf.make_ndarray</c>: the values of a <see cref="TensorProto"/> (what TF2 summaries and saved tensors hold) as a
/// NumSharp array, or for string tensors as a <see cref="StringTensor"/>.
/// </summary>
public static class TensorProtos
{
    /// <summary>
    /// The numeric values of <paramref name="tensor"/> with its shape (TensorFlow's <c>make_ndarray</c>): from
    /// <c>tensor_content</c> or from the typed value fields, where fewer values than the shape holds repeat the last
    /// one, as TensorFlow does for constants. float16 values widen to float32 and int8 to int16 (NumSharp has neither).
    /// </summary>
    /// <param name="tensor">A tensor of a numeric or bool dtype.</param>
    /// <returns>A new array.</returns>
    /// <exception cref="NotSupportedException">String tensors (use <see cref="MakeStringTensor"/>), and dtypes NumSharp
    /// cannot hold (complex, bfloat16, quantized, resource, variant).</exception>
    public static NDArray MakeNdarray(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = Shape(tensor);
        var size = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        var raw = tensor.TensorContent;
        return tensor.Dtype switch
        {
            DataType.DtFloat => Build(shape, Values(raw, tensor.FloatVal, size)),
            DataType.DtDouble => Build(shape, Values(raw, tensor.DoubleVal, size)),
            DataType.DtInt64 => Build(shape, Values(raw, tensor.Int64Val, size)),
            DataType.DtInt32 => Build(shape, Values(raw, tensor.IntVal, size)),
            DataType.DtUint8 => Build(shape, raw.Length > 0 ? Values<byte>(raw, [], size) : Values(ByteString.Empty, tensor.IntVal, size).Select(v => (byte)v).ToArray()),
            DataType.DtInt16 => Build(shape, raw.Length > 0 ? Values<short>(raw, [], size) : Values(ByteString.Empty, tensor.IntVal, size).Select(v => (short)v).ToArray()),
            DataType.DtUint16 => Build(shape, raw.Length > 0 ? Values<ushort>(raw, [], size) : Values(ByteString.Empty, tensor.IntVal, size).Select(v => (ushort)v).ToArray()),
            DataType.DtInt8 => Build(shape, raw.Length > 0 ? Values<sbyte>(raw, [], size).Select(v => (short)v).ToArray() : Values(ByteString.Empty, tensor.IntVal, size).Select(v => (short)(sbyte)v).ToArray()),
            DataType.DtBool => Build(shape, Values(raw, tensor.BoolVal, size)),
            DataType.DtUint32 => Build(shape, Values(raw, tensor.Uint32Val, size)),
            DataType.DtUint64 => Build(shape, Values(raw, tensor.Uint64Val, size)),
            DataType.DtHalf => Build(shape, (raw.Length > 0 ? Values<Half>(raw, [], size) : Values(ByteString.Empty, tensor.HalfVal, size).Select(v => BitConverter.Int16BitsToHalf((short)v)).ToArray()).Select(h => (float)h).ToArray()),
            DataType.DtString => throw new NotSupportedException("MakeNdarray: this is a string tensor; read it with TensorProtos.MakeStringTensor."),
            _ => throw new NotSupportedException($"MakeNdarray: dtype {tensor.Dtype} has no NumSharp equivalent; expected float, double, int8/16/32/64, uint8/16/32/64, bool or half."),
        };
    }

    /// <summary>The values of a string tensor (<c>DT_STRING</c>) with its shape, e.g. the text of a TF2 text summary.</summary>
    /// <param name="tensor">A string tensor.</param>
    /// <returns>The byte strings, row-major.</returns>
    public static StringTensor MakeStringTensor(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dtype != DataType.DtString)
            throw new NotSupportedException($"MakeStringTensor: this tensor is {tensor.Dtype}, not a string tensor; read it with TensorProtos.MakeNdarray.");
        var shape = Shape(tensor);
        var size = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        var given = tensor.StringVal;
        var values = new byte[size][];
        for (var i = 0; i < size; i++)
            values[i] = given.Count == 0 ? [] : given[Math.Min(i, given.Count - 1)].ToByteArray();
        return new StringTensor(shape, values);
    }

    static long[] Shape(TensorProto tensor)
    {
        if (tensor.TensorShape is null) return [];
        if (tensor.TensorShape.UnknownRank) throw new InvalidDataException("TensorProto: the tensor's shape has unknown rank; a stored tensor must have a full shape.");
        return [.. tensor.TensorShape.Dim.Select(d => d.Size >= 0 ? d.Size : throw new InvalidDataException($"TensorProto: dimension of size {d.Size} in a stored tensor."))];
    }

    /// <summary>The values from the raw content, or else from the typed field with TensorFlow's repeat-the-last-value rule.</summary>
    static T[] Values<T>(ByteString raw, IReadOnlyList<T> typed, int size) where T : unmanaged
    {
        if (raw.Length > 0)
        {
            var expected = (long)size * Marshal.SizeOf<T>();
            if (raw.Length != expected)
                throw new InvalidDataException($"TensorProto: tensor_content has {raw.Length} bytes, but {size} values of {typeof(T).Name} need {expected}.");
            return MemoryMarshal.Cast<byte, T>(raw.Span).ToArray();
        }
        if (typed.Count > size)
            throw new InvalidDataException($"TensorProto: {typed.Count} values for a shape that holds {size}.");
        var values = new T[size];
        for (var i = 0; i < size && typed.Count > 0; i++) values[i] = typed[Math.Min(i, typed.Count - 1)];
        return values;
    }

    static NDArray Build<T>(long[] shape, T[] values) where T : unmanaged
    {
        var array = np.array(values);
        return shape.Length == 0 ? array.reshape(NumSharp.Shape.Scalar) : array.reshape(new NumSharp.Shape(Array.ConvertAll(shape, d => checked((int)d))));
    }
}
