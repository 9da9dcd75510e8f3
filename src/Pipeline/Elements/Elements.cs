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
            case Array array when !array.GetType().GetElementType()!.IsPrimitive:
                foreach (var v in array)
                    if (v is not null) Visit(v, action);
                break;
            case IList list:
                foreach (var v in list)
                    if (v is not null) Visit(v, action);
                break;
        }
    }

    /// <summary>Describes <paramref name="value"/>'s shape for error messages.</summary>
    internal static string Describe(object? value) => value switch
    {
        null => "null",
        torch.Tensor t => $"Tensor(shape=[{string.Join(", ", t.shape)}], dtype={t.dtype})",
        _ => value.GetType().Name,
    };
}
