using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>
/// The element structures a dataset can give a model with several inputs or outputs, as Keras flattens them: one
/// tensor, a tuple of tensors or a tensor array/list (model order), or a dictionary of tensors keyed by input or output
/// layer name. Keys must name the model's inputs/outputs exactly: an unknown key would be data silently dropped.
/// </summary>
internal static class BatchStructure
{
    /// <summary>True when elements of <paramref name="type"/> can be flattened by <see cref="Flatten"/>.</summary>
    public static bool Supports(Type type) =>
        type == typeof(Tensor) || typeof(IEnumerable<Tensor>).IsAssignableFrom(type) && !IsDictionary(type) || IsDictionary(type)
        || IsValueTuple(type) && type.GetGenericArguments().All(a => a == typeof(Tensor) || IsValueTuple(a) && Supports(a));

    /// <summary>Refuses, before any step runs, a dataset whose element type cannot hold model inputs or labels.</summary>
    public static void Require(Type type, string operation, string argument, string kind)
    {
        if (!Supports(type))
            throw new ArgumentException(
                $"{operation}: the {argument}'s {kind} are of type {type.Name}; expected a Tensor, a tuple of Tensors or a Tensor[] (in model {kind.TrimEnd('s')} order), " +
                $"or a Dictionary<string, Tensor> keyed by {kind.TrimEnd('s')} layer name.", argument);
    }

    /// <summary>The tensors of <paramref name="value"/> in the order of <paramref name="names"/> (the model's input or output names).</summary>
    /// <param name="value">One batch's inputs or labels.</param>
    /// <param name="names">The model's input (or output) layer names, in model order.</param>
    /// <param name="model">The model's name, for messages.</param>
    /// <param name="argument">The argument the data came in (dataset, validationData).</param>
    /// <param name="kind">"input" or "output".</param>
    public static Tensor[] Flatten(object? value, string[] names, string model, string argument, string kind)
    {
        if (value is IReadOnlyDictionary<string, Tensor> byName)
        {
            var unknown = byName.Keys.Where(k => !names.Contains(k)).ToArray();
            if (unknown.Length > 0)
                throw new ArgumentException($"{argument}: unknown {kind} name(s) {Naming.QuotedList(unknown)} in a batch; model \"{model}\"'s {kind}s are {Naming.QuotedList(names)}.", argument);
            return [.. names.Select(n => byName.TryGetValue(n, out var t) && t is not null ? t
                : throw new ArgumentException($"{argument}: a batch has no tensor for the {kind} \"{n}\"; model \"{model}\"'s {kind}s are {Naming.QuotedList(names)}.", argument))];
        }
        Tensor?[] tensors = value switch
        {
            Tensor t => [t],
            ITuple tuple => [.. Enumerable.Range(0, tuple.Length).Select(i => tuple[i] as Tensor
                ?? throw new ArgumentException($"{argument}: item {i} of a batch's {kind} tuple is {tuple[i]?.GetType().Name ?? "null"}; expected a Tensor for the {kind} \"{(i < names.Length ? names[i] : "?")}\".", argument))],
            IEnumerable<Tensor> list => [.. list],
            _ => throw new ArgumentException($"{argument}: a batch's {kind}s are {value?.GetType().Name ?? "null"}; expected tensors for the {kind}s {Naming.QuotedList(names)}.", argument),
        };
        if (tensors.Length != names.Length)
            throw new ArgumentException(
                $"{argument}: model \"{model}\" has {names.Length} {kind}(s) ({Naming.QuotedList(names)}) but a batch holds {tensors.Length} {kind} tensor(s); " +
                $"give one per {kind}, in model order, or a dictionary keyed by {kind} name.", argument);
        for (int i = 0; i < tensors.Length; i++)
            if (tensors[i] is null) throw new ArgumentException($"{argument}: a batch has a null tensor for the {kind} \"{names[i]}\".", argument);
        return tensors!;
    }

    /// <summary>Disposes every tensor in an element (tensor, tuple, list, dictionary, nested).</summary>
    public static void DisposeAll(object? value)
    {
        switch (value)
        {
            case Tensor t: t.Dispose(); break;
            case IReadOnlyDictionary<string, Tensor> d: foreach (var t in d.Values) t?.Dispose(); break;
            case ITuple tuple: for (int i = 0; i < tuple.Length; i++) DisposeAll(tuple[i]); break;
            case IEnumerable<Tensor> list: foreach (var t in list) t?.Dispose(); break;
        }
    }

    static bool IsDictionary(Type type) => typeof(IReadOnlyDictionary<string, Tensor>).IsAssignableFrom(type);

    static bool IsValueTuple(Type t) =>
        t.IsValueType && t.IsGenericType && typeof(ITuple).IsAssignableFrom(t) && t.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal);

}
