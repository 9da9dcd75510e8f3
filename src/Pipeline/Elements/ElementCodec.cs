using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

/// <summary>
/// The binary form of elements in <c>Cache(filename)</c> files: tensors (dtype, shape, bytes), scalars, strings, byte
/// arrays, tuples, <c>Dictionary&lt;string, Tensor&gt;</c> records and <see cref="IElementStructure{TSelf}"/> types.
/// A structure of your own writes its components with it.
/// </summary>
public static class ElementCodec
{
    /// <summary>Writes <paramref name="value"/> (see the class summary for the types).</summary>
    /// <typeparam name="T">The element type, as it will be read back.</typeparam>
    /// <param name="writer">Where to write.</param>
    /// <param name="value">What to write; not disposed.</param>
    public static void Write<T>(BinaryWriter writer, T value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        Write(writer, (object)value);
    }

    /// <summary>Reads a value written by <see cref="Write{T}(BinaryWriter, T)"/>; tensors come back on the CPU, owned by the caller.</summary>
    /// <typeparam name="T">The type it was written as.</typeparam>
    /// <param name="reader">Where to read.</param>
    public static T Read<T>(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return (T)Read(reader, typeof(T));
    }

    internal static bool Supports(Type t)
    {
        if (Structures.Is(t)) return true;
        if (t == typeof(Tensor) || t == typeof(string) || t == typeof(byte[])) return true;
        if (t == typeof(long) || t == typeof(int) || t == typeof(float) || t == typeof(double) || t == typeof(bool)) return true;
        if (t == typeof(Dictionary<string, Tensor>)) return true;
        if (t.IsValueType && t.IsGenericType && typeof(ITuple).IsAssignableFrom(t)) return t.GetGenericArguments().All(Supports);
        return false;
    }

    internal static void Write(BinaryWriter w, object value)
    {
        switch (value)
        {
            case Tensor t:
                var cpu = t.device_type == DeviceType.CPU ? t : t.cpu();
                using (var c = cpu.contiguous())
                {
                    w.Write((int)c.dtype);
                    w.Write(c.dim());
                    foreach (var d in c.shape) w.Write(d);
                    if (c.numel() > 0) w.Write(c.bytes);
                }
                if (!ReferenceEquals(cpu, t)) cpu.Dispose();
                break;
            case long v: w.Write(v); break;
            case int v: w.Write(v); break;
            case float v: w.Write(v); break;
            case double v: w.Write(v); break;
            case bool v: w.Write(v); break;
            case string v: w.Write(v); break;
            case byte[] v: w.Write(v.Length); w.Write(v); break;
            case Dictionary<string, Tensor> d:
                w.Write(d.Count);
                foreach (var (k, t) in d) { w.Write(k); Write(w, t); }
                break;
            case ITuple tuple:
                for (var i = 0; i < tuple.Length; i++) Write(w, tuple[i]!);
                break;
            case IElementStructure structure:
                structure.Write(w);
                break;
            default:
                throw new NotSupportedException($"Cannot write elements of type {value.GetType().Name} to a cache file.");
        }
    }

    internal static object Read(BinaryReader r, Type type)
    {
        if (type == typeof(Tensor))
        {
            var dtype = (ScalarType)r.ReadInt32();
            var rank = r.ReadInt64();
            var shape = new long[rank];
            for (var i = 0; i < rank; i++) shape[i] = r.ReadInt64();
            var t = torch.empty(shape, dtype);
            if (t.numel() > 0) r.BaseStream.ReadExactly(t.bytes);
            return t;
        }
        if (type == typeof(long)) return r.ReadInt64();
        if (type == typeof(int)) return r.ReadInt32();
        if (type == typeof(float)) return r.ReadSingle();
        if (type == typeof(double)) return r.ReadDouble();
        if (type == typeof(bool)) return r.ReadBoolean();
        if (type == typeof(string)) return r.ReadString();
        if (type == typeof(byte[])) return r.ReadBytes(r.ReadInt32());
        if (Structures.Is(type)) return Structures.Read(type, r);
        if (type == typeof(Dictionary<string, Tensor>))
        {
            var n = r.ReadInt32();
            var d = new Dictionary<string, Tensor>(n);
            for (var i = 0; i < n; i++) d[r.ReadString()] = (Tensor)Read(r, typeof(Tensor));
            return d;
        }
        var args = type.GetGenericArguments();
        return Activator.CreateInstance(type, args.Select(a => Read(r, a)).ToArray())!;
    }
}
