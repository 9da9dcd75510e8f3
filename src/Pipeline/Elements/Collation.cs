using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

/// <summary>Stacks a list of elements into one batch element, component-wise (tf.data's batching rule).</summary>
static class Collation
{
    /// <summary>True when <see cref="Collate{T}"/> knows how to stack elements of type <paramref name="t"/>.</summary>
    internal static bool Supports(Type t)
    {
        if (t == typeof(Tensor)) return true;
        if (IsValueTuple(t)) return t.GetGenericArguments().All(Supports);
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            return t.GetGenericArguments()[0] == typeof(string) && t.GetGenericArguments()[1] == typeof(Tensor);
        return Structures.Is(t);
    }

    static bool IsValueTuple(Type t) =>
        t.IsValueType && t.IsGenericType && typeof(ITuple).IsAssignableFrom(t) && t.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal);

    /// <summary>
    /// Pads each tensor of <paramref name="items"/> to the longest in the batch along every axis (with
    /// <paramref name="paddingValue"/>) and stacks them, component-wise; does not dispose them.
    /// </summary>
    internal static T CollatePadded<T>(IReadOnlyList<T> items, double paddingValue, string stage) =>
        (T)CollateObject(typeof(T), items.Select(x => (object)x!).ToArray(), stage, null, paddingValue);

    /// <summary>Stacks <paramref name="items"/> along a new first axis; does not dispose them.</summary>
    internal static T Collate<T>(IReadOnlyList<T> items, string stage)
    {
        if (typeof(T) == typeof(Tensor))
        {
            var tensors = new Tensor[items.Count];
            for (var i = 0; i < tensors.Length; i++) tensors[i] = (Tensor)(object)items[i]!;
            return (T)(object)Stack(tensors, stage, null);
        }
        if (typeof(T) == typeof((Tensor, Tensor)))
        {
            var a = new Tensor[items.Count];
            var b = new Tensor[items.Count];
            for (var i = 0; i < a.Length; i++) (a[i], b[i]) = ((Tensor, Tensor))(object)items[i]!;
            var first = Stack(a, stage, "0");
            try { return (T)(object)(first, Stack(b, stage, "1")); }
            catch { first.Dispose(); throw; }
        }
        return (T)CollateObject(typeof(T), items.Select(x => (object)x!).ToArray(), stage, null, null);
    }

    static object CollateObject(Type type, object[] items, string stage, string? component, double? paddingValue)
    {
        if (type == typeof(Tensor))
        {
            var tensors = Array.ConvertAll(items, x => (Tensor)x);
            return paddingValue is { } pad ? PaddedBatching.Pad(tensors, null, pad, stage, component) : Stack(tensors, stage, component);
        }
        if (Structures.Is(type)) return Structures.Batch(type, items, paddingValue);
        if (IsValueTuple(type))
        {
            var arity = type.GetGenericArguments().Length;
            var parts = new object[arity];
            try
            {
                for (var c = 0; c < arity; c++)
                {
                    var column = new object[items.Length];
                    for (var i = 0; i < items.Length; i++) column[i] = ((ITuple)items[i])[c]!;
                    parts[c] = CollateObject(type.GetGenericArguments()[c], column, stage, component is null ? $"{c}" : $"{component}.{c}", paddingValue);
                }
            }
            catch
            {
                foreach (var p in parts) if (p is not null) Elements.Visit(p, d => d.Dispose());
                throw;
            }
            return Activator.CreateInstance(type, parts)!;
        }
        if (type == typeof(Dictionary<string, Tensor>))
        {
            var first = (Dictionary<string, Tensor>)items[0];
            var result = new Dictionary<string, Tensor>(first.Count);
            try
            {
                foreach (var key in first.Keys)
                {
                    var column = new Tensor[items.Length];
                    for (var i = 0; i < items.Length; i++)
                    {
                        var d = (Dictionary<string, Tensor>)items[i];
                        if (!d.TryGetValue(key, out var t))
                            throw new InvalidOperationException($"{stage}: element {i} of the batch has no component '{key}' (element 0 has [{string.Join(", ", first.Keys)}]).");
                        column[i] = t;
                    }
                    result[key] = paddingValue is { } pad ? PaddedBatching.Pad(column, null, pad, stage, key) : Stack(column, stage, key);
                }
            }
            catch
            {
                foreach (var t in result.Values) t.Dispose();
                throw;
            }
            return result;
        }
        throw new NotSupportedException(
            $"{stage}: elements of type {type.Name} cannot be stacked; Batch stacks Tensor, tuples of Tensor, Dictionary<string, Tensor> and IElementStructure<T> types. " +
            "Map the element to tensors first, or pass your own collation: Batch(batchSize, collate: items => ...).");
    }

    internal static Tensor Stack(Tensor[] tensors, string stage, string? component)
    {
        // Stack first; only when libtorch refuses do we look for the element at fault (saves two native calls per element).
        try
        {
            return torch.stack(tensors, 0);
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException)
        {
            Diagnose(tensors, stage, component);
            throw;
        }
    }

    static void Diagnose(Tensor[] tensors, string stage, string? component)
    {
        var first = tensors[0].shape;
        var dtype = tensors[0].dtype;
        for (var i = 1; i < tensors.Length; i++)
        {
            var shape = tensors[i].shape;
            if (!shape.AsSpan().SequenceEqual(first))
                throw new InvalidOperationException(
                    $"{stage}: cannot stack {(component is null ? "elements" : $"component '{component}'")} of different shapes: " +
                    $"element 0 has shape [{string.Join(", ", first)}] but element {i} has shape [{string.Join(", ", shape)}]. " +
                    "Resize them to one shape in a Map before Batch, or use PaddedBatch.");
            if (tensors[i].dtype != dtype)
                throw new InvalidOperationException(
                    $"{stage}: cannot stack {(component is null ? "elements" : $"component '{component}'")} of different dtypes: " +
                    $"element 0 is {dtype} but element {i} is {tensors[i].dtype}.");
        }
    }
}
