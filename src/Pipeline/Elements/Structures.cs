using System.Collections.Concurrent;

namespace Pipeline;

/// <summary>Calls the static members of <see cref="IElementStructure{TSelf}"/> for a type known only at run time.</summary>
static class Structures
{
    static readonly ConcurrentDictionary<Type, IOps?> Known = new();

    /// <summary>True when <paramref name="type"/> implements <see cref="IElementStructure{TSelf}"/> for itself.</summary>
    internal static bool Is(Type type) => OpsOf(type) is not null;

    internal static object Batch(Type type, object[] elements, double? paddingValue) => Require(type).Batch(elements, paddingValue);

    internal static object[] Unbatch(Type type, object batch) => Require(type).Unbatch(batch);

    internal static object Share(Type type, object element) => Require(type).Share(element);

    internal static object Read(Type type, BinaryReader reader) => Require(type).Read(reader);

    static IOps Require(Type type) => OpsOf(type) ?? throw new NotSupportedException($"{type.Name} does not implement IElementStructure<{type.Name}>.");

    static IOps? OpsOf(Type type) => Known.GetOrAdd(type, static t =>
        t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IElementStructure<>) && i.GetGenericArguments()[0] == t)
            ? (IOps)Activator.CreateInstance(typeof(Ops<>).MakeGenericType(t))!
            : null);

    interface IOps
    {
        object Batch(object[] elements, double? paddingValue);
        object[] Unbatch(object batch);
        object Share(object element);
        object Read(BinaryReader reader);
    }

    sealed class Ops<T> : IOps where T : IElementStructure<T>
    {
        public object Batch(object[] elements, double? paddingValue) => T.Batch(Array.ConvertAll(elements, e => (T)e), paddingValue);
        public object[] Unbatch(object batch) => [.. ((T)batch).Unbatch().Select(x => (object)x)];
        public object Share(object element) => ((T)element).Share();
        public object Read(BinaryReader reader) => T.Read(reader);
    }
}
