using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

/// <summary>
/// How <see cref="Dataset{T}.ElementSpec"/> is found: from the element type where it says everything (scalars), from the
/// source's data (FromTensorSlices), step by step through Batch, PaddedBatch, Unbatch and the steps that keep elements
/// as they are, and through Map by calling its function on zeros of the input spec twice, with unknown dimensions as 2
/// and as 3: output dimensions that differ between the two calls are unknown. Where that is not possible (a function
/// that does not run on zeros, a generator, a custom collation) the dataset's first element is computed and observed.
/// </summary>
static class ElementSpecs
{
    /// <summary>The spec the type alone gives (scalars, strings, byte arrays and tuples of them), else null.</summary>
    internal static ElementSpec? FromType(Type type)
    {
        if (ScalarDType(type, out var dtype)) return new ElementSpec(type, new TensorSpec([], dtype));
        if (IsValueTuple(type))
        {
            var items = type.GetGenericArguments().Select(FromType).ToList();
            return items.Any(i => i is null) ? null : new ElementSpec(type, items: items!);
        }
        return null;
    }

    /// <summary>The spec of a concrete element (every dimension known).</summary>
    internal static ElementSpec Of(object? value, Type type)
    {
        if (FromType(type) is { } known) return known;
        switch (value)
        {
            case Tensor t:
                return new ElementSpec(type, new TensorSpec([.. t.shape.Select(d => (long?)d)], t.dtype));
            case ITuple tuple when IsValueTuple(type):
                var args = type.GetGenericArguments();
                return new ElementSpec(type, items: [.. Enumerable.Range(0, tuple.Length).Select(i => Of(tuple[i], args[i]))]);
            case Dictionary<string, Tensor> d:
                return new ElementSpec(type, fields: d.ToDictionary(kv => kv.Key, kv => Of(kv.Value, typeof(Tensor))));
            default:
                return new ElementSpec(value?.GetType() ?? type);
        }
    }

    /// <summary>
    /// Every tensor of <paramref name="spec"/> with a new first dimension (a batch); null for other structures. PaddedBatch
    /// gives the same: it pads to the longest in the batch, so a dimension every element shares stays known, as in tf.data.
    /// </summary>
    internal static ElementSpec? Batched(ElementSpec spec, Type batchType, long? size) => Map(spec, batchType, t =>
        new TensorSpec([size, .. t.Shape], t.ScalarType));

    /// <summary>Every tensor of <paramref name="spec"/> without its first dimension (Unbatch); null when one is a scalar.</summary>
    internal static ElementSpec? Unbatched(ElementSpec spec) => Map(spec, spec.ElementType, t => t.Shape.Count == 0 ? null : new TensorSpec([.. t.Shape.Skip(1)], t.ScalarType));

    static ElementSpec? Map(ElementSpec spec, Type type, Func<TensorSpec, TensorSpec?> f)
    {
        if (spec.Tensor is { } t) return f(t) is { } mapped ? new ElementSpec(type, mapped) : null;
        if (spec.Items is { } items)
        {
            var args = IsValueTuple(type) ? type.GetGenericArguments() : null;
            if (args is null || args.Length != items.Count) return null;
            var result = items.Select((item, i) => Map(item, args[i], f)).ToList();
            return result.Any(r => r is null) ? null : new ElementSpec(type, items: result!);
        }
        if (spec.Fields is { } fields)
        {
            var result = fields.ToDictionary(kv => kv.Key, kv => Map(kv.Value, typeof(Tensor), f));
            return result.Values.Any(r => r is null) ? null : new ElementSpec(type, fields: result!);
        }
        return null;
    }

    /// <summary>The spec of <paramref name="function"/>'s output for inputs of <paramref name="input"/>, or null when it cannot be found without data.</summary>
    internal static ElementSpec? Through<TIn, TOut>(ElementSpec? input, Func<TIn, TOut> function)
    {
        if (FromType(typeof(TOut)) is { } known) return known;
        if (input is null || !CanFake(input)) return null;
        var first = Call(input, function, 2);
        if (first is null || !HasUnknown(input)) return first;
        var second = Call(input, function, 3);
        return second is null ? null : Merge(first, second);
    }

    static ElementSpec? Call<TIn, TOut>(ElementSpec input, Func<TIn, TOut> function, long unknownAs)
    {
        using var scope = torch.NewDisposeScope();
        TIn x;
        TOut y;
        try
        {
            x = (TIn)Fake(input, unknownAs);
            y = function(x);
        }
        catch (Exception)
        {
            return null;   // the function needs real data: observe an element instead
        }
        try
        {
            return Of(y, typeof(TOut));
        }
        finally
        {
            Elements.Dispose(y);   // detached parts (e.g. parsed features) too; the scope frees the rest
        }
    }

    static bool CanFake(ElementSpec spec) =>
        spec.Tensor is not null ? spec.Tensor.ScalarType is not null || spec.ElementType == typeof(string) || spec.ElementType == typeof(byte[])
        : spec.Items is not null ? spec.Items.All(CanFake)
        : spec.Fields is not null && spec.Fields.Values.All(CanFake);

    static bool HasUnknown(ElementSpec spec) =>
        spec.Tensor is not null ? spec.Tensor.Shape.Any(d => d is null)
        : spec.Items is not null ? spec.Items.Any(HasUnknown)
        : spec.Fields is not null && spec.Fields.Values.Any(HasUnknown);

    /// <summary>Zeros with the spec's structure, unknown dimensions set to <paramref name="unknownAs"/>.</summary>
    static object Fake(ElementSpec spec, long unknownAs)
    {
        var type = spec.ElementType;
        if (spec.Tensor is { } t)
        {
            if (type == typeof(Tensor)) return torch.zeros([.. t.Shape.Select(d => d ?? unknownAs)], t.ScalarType!.Value);
            if (type == typeof(string)) return "";
            if (type == typeof(byte[])) return Array.Empty<byte>();
            return Activator.CreateInstance(type)!;   // a number or bool: zero
        }
        if (spec.Items is { } items) return Activator.CreateInstance(type, [.. items.Select(i => Fake(i, unknownAs))])!;
        return spec.Fields!.ToDictionary(kv => kv.Key, kv => (Tensor)Fake(kv.Value, unknownAs));
    }

    /// <summary>The two specs with dimensions that differ made unknown; the structure is the first's.</summary>
    static ElementSpec Merge(ElementSpec a, ElementSpec b)
    {
        if (a.Tensor is { } ta && b.Tensor is { } tb && ta.Shape.Count == tb.Shape.Count)
            return new ElementSpec(a.ElementType, new TensorSpec([.. ta.Shape.Zip(tb.Shape, (x, y) => x == y ? x : null)], ta.ScalarType));
        if (a.Items is { } ia && b.Items is { } ib && ia.Count == ib.Count)
            return new ElementSpec(a.ElementType, items: [.. ia.Zip(ib, Merge)]);
        if (a.Fields is { } fa && b.Fields is { } fb && fa.Count == fb.Count && fa.Keys.All(fb.ContainsKey))
            return new ElementSpec(a.ElementType, fields: fa.ToDictionary(kv => kv.Key, kv => Merge(kv.Value, fb[kv.Key])));
        if (a.Tensor is { } ra && b.Tensor is { } rb)   // the rank itself depends on the unknown sizes
            return new ElementSpec(a.ElementType, new TensorSpec([.. ra.Shape.Select(_ => (long?)null)], ra.ScalarType));
        return a;
    }

    static bool ScalarDType(Type type, out ScalarType? dtype)
    {
        dtype = null;
        if (type == typeof(string) || type == typeof(byte[])) return true;
        ScalarType? d = Type.GetTypeCode(type) switch
        {
            TypeCode.Int64 => ScalarType.Int64,
            TypeCode.Int32 => ScalarType.Int32,
            TypeCode.Int16 => ScalarType.Int16,
            TypeCode.SByte => ScalarType.Int8,
            TypeCode.Byte => ScalarType.Byte,
            TypeCode.Single => ScalarType.Float32,
            TypeCode.Double => ScalarType.Float64,
            TypeCode.Boolean => ScalarType.Bool,
            _ => null,
        };
        if (type.IsEnum || d is null) return false;
        dtype = d;
        return true;
    }

    static bool IsValueTuple(Type t) =>
        t.IsValueType && t.IsGenericType && typeof(ITuple).IsAssignableFrom(t) && t.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal);
}
