using System.Collections;
using System.Runtime.CompilerServices;
using TorchSharp;

namespace Pipeline;

/// <summary>Ownership helpers for elements of any shape: tensors, tuples, dictionaries, arrays, scalars.</summary>
static class Elements
{
    /// <summary>False for element types that can never hold a disposable (scalars, strings, byte arrays), so steps skip all bookkeeping.</summary>
    internal static bool HoldsResources<T>() => ResourceInfo<T>.Holds;

    static class ResourceInfo<T>
    {
        internal static readonly bool Holds = Check(typeof(T));

        static bool Check(Type t)
        {
            if (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal)) return false;
            if (t == typeof(byte[]) || t == typeof(ReadOnlyMemory<byte>) || t == typeof(Memory<byte>)) return false;
            if (t.IsArray) return Check(t.GetElementType()!);
            if (t.IsValueType && t.IsGenericType && typeof(ITuple).IsAssignableFrom(t))
                return t.GetGenericArguments().Any(Check);
            return true;
        }
    }

    /// <summary>
    /// Takes the tensors of <paramref name="element"/> out of whatever DisposeScope they were registered in (tensors
    /// made on the consumer's thread join its current scope), so that a pipeline can hold them across MoveNext calls
    /// and hand them over scope-free: the receiver disposes them or moves them into a scope of its own.
    /// </summary>
    internal static T Detach<T>(T element)
    {
        if (!ResourceInfo<T>.Holds || element is null) return element;
        if (element is torch.Tensor single) single.DetachFromDisposeScope();
        else Visit(element, static d => (d as torch.Tensor)?.DetachFromDisposeScope());
        return element;
    }

    /// <summary>
    /// Runs a user function inside its own DisposeScope so the temporaries it creates are freed when it returns; the
    /// tensors of its result are detached (scope-free, owned by the caller).
    /// </summary>
    internal static TOut RunScoped<TIn, TOut>(Func<TIn, TOut> function, TIn input)
    {
        if (!ResourceInfo<TIn>.Holds && !ResourceInfo<TOut>.Holds) return function(input);
        using var scope = torch.NewDisposeScope();
        return Detach(function(input));
    }

    /// <summary>Disposes every disposable inside <paramref name="element"/>.</summary>
    internal static void Dispose<T>(T element)
    {
        if (!ResourceInfo<T>.Holds || element is null) return;
        Visit(element, static d => d.Dispose());
    }

    /// <summary>Disposes the disposables of <paramref name="input"/> that <paramref name="output"/> does not pass on.</summary>
    internal static void DisposeConsumed<TIn, TOut>(TIn input, TOut output)
    {
        if (!ResourceInfo<TIn>.Holds || input is null) return;
        if (input is ValueTuple<torch.Tensor, torch.Tensor> pair && output is ValueTuple<torch.Tensor, torch.Tensor> kept2)
        {
            // The common (features, labels) case, without allocating.
            if (!ReferenceEquals(pair.Item1, kept2.Item1) && !ReferenceEquals(pair.Item1, kept2.Item2)) pair.Item1?.Dispose();
            if (!ReferenceEquals(pair.Item2, kept2.Item1) && !ReferenceEquals(pair.Item2, kept2.Item2)) pair.Item2?.Dispose();
            return;
        }
        if (input is torch.Tensor single)
        {
            if (!ReferenceEquals(single, output) && !(ResourceInfo<TOut>.Holds && Contains(output, single))) single.Dispose();
            return;
        }
        List<IDisposable>? kept = null;
        if (ResourceInfo<TOut>.Holds && output is not null)
        {
            kept = [];
            Visit(output, kept.Add);
        }
        Visit(input, d =>
        {
            if (kept is null || !kept.Exists(k => ReferenceEquals(k, d))) d.Dispose();
        });
    }

    static bool Contains<TOut>(TOut output, IDisposable d)
    {
        var found = false;
        if (output is not null) Visit(output, x => found |= ReferenceEquals(x, d));
        return found;
    }

    /// <summary>Calls <paramref name="action"/> on each disposable inside <paramref name="value"/>.</summary>
    internal static void Visit(object value, Action<IDisposable> action)
    {
        switch (value)
        {
            case torch.Tensor t:
                action(t);
                break;
            case IElementStructure structure:
                // Component by component, so that a step keeps the parts passed on and frees only the rest.
                foreach (var c in structure.Components)
                    if (c is not null) Visit(c, action);
                break;
            case IDisposable d:
                action(d);
                break;
            case string or NumSharp.NDArray:
                break;
            case ITuple tuple:
                for (var i = 0; i < tuple.Length; i++)
                    if (tuple[i] is { } item) Visit(item, action);
                break;
            case IDictionary dict:
                foreach (var v in dict.Values)
                    if (v is not null) Visit(v, action);
                break;
            case Array array:
                // Arrays of numbers (byte[] records, float[] rows) hold nothing to dispose; don't walk them.
                if (!array.GetType().GetElementType()!.IsPrimitive)
                    foreach (var v in array)
                        if (v is not null) Visit(v, action);
                break;
            case IList list:
                foreach (var v in list)
                    if (v is not null) Visit(v, action);
                break;
        }
    }

    /// <summary>
    /// A second owner's handle on <paramref name="element"/>: tensors become aliases (new handles on the same storage,
    /// no copy), containers are rebuilt around them, resource-free values are returned as they are.
    /// </summary>
    internal static T Share<T>(T element)
    {
        if (!ResourceInfo<T>.Holds || element is null) return element;
        return Detach((T)ShareObject(element));
    }

    static object ShareObject(object value) => value switch
    {
        torch.Tensor t => t.alias(),
        ValueTuple<torch.Tensor, torch.Tensor> p => (p.Item1.alias(), p.Item2.alias()),
        Dictionary<string, torch.Tensor> d => d.ToDictionary(kv => kv.Key, kv => kv.Value.alias()),
        ITuple tuple when value.GetType().IsValueType => Activator.CreateInstance(value.GetType(),
            Enumerable.Range(0, tuple.Length).Select(i => tuple[i] is { } item ? ShareObject(item) : null).ToArray())!,
        IElementStructure when Structures.Is(value.GetType()) => Structures.Share(value.GetType(), value),
        IDisposable => throw new NotSupportedException($"Elements of type {value.GetType().Name} cannot be shared between owners (needed by Cache and overlapping Window); use Tensor, tuples, Dictionary<string, Tensor> or a type implementing IElementStructure<T>."),
        _ => value,
    };

    /// <summary>Describes <paramref name="value"/>'s shape for error messages.</summary>
    internal static string Describe(object? value) => value switch
    {
        null => "null",
        torch.Tensor t => $"Tensor(shape=[{string.Join(", ", t.shape)}], dtype={t.dtype})",
        _ => value.GetType().Name,
    };
}
