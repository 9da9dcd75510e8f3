using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Pipeline.Models.Saving;

/// <summary>
/// Maps the class names in Keras configs to .NET types: the library's own public classes by Keras class name
/// (Dense, Conv2D, GlorotUniform, Adam, ...), classes marked <see cref="KerasSerializableAttribute"/> by their registered
/// name ("package&gt;name"), and the caller's <c>customObjects</c>.
/// </summary>
internal static partial class SerializationRegistry
{
    // By class name; a name can be both a loss and a metric (MeanSquaredError), so each name keeps all its classes.
    static readonly Lazy<Dictionary<string, Type[]>> BuiltIns = new(ScanBuiltIns);
    static readonly ConcurrentDictionary<Assembly, IReadOnlyList<(string Name, Type Type)>> Registered = new();

    // Keras names that differ from our class names.
    static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["InputLayer"] = "Input",
    };

    static Dictionary<string, Type[]> ScanBuiltIns() =>
        typeof(SerializationRegistry).Assembly.GetExportedTypes()
            .Where(type => type.IsClass && !type.IsAbstract && type.Namespace?.StartsWith("Pipeline.Models", StringComparison.Ordinal) == true)
            .GroupBy(type => type.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    /// <summary>The registered name written to files ("package&gt;name"), or null for the library's own classes.</summary>
    public static string? RegisteredName(Type type)
    {
        var attribute = type.GetCustomAttribute<KerasSerializableAttribute>(inherit: false);
        if (attribute is not null) return $"{attribute.Package}>{attribute.Name ?? type.Name}";
        return type.Assembly == typeof(SerializationRegistry).Assembly ? null : type.Name;
    }

    /// <summary>
    /// The type for a serialized object, or null. Looks at <paramref name="customObjects"/> first (by registered name,
    /// then class name), then at <see cref="KerasSerializableAttribute"/> registrations, then at the library's classes
    /// (Keras 2.14's "Custom&gt;Adam" resolves to Adam). Among the library's classes of that name, the one that is an
    /// <paramref name="expected"/> (a loss, not the metric of the same name).
    /// </summary>
    public static Type? Resolve(string className, string? registeredName, IReadOnlyDictionary<string, Type>? customObjects, Type? expected = null)
    {
        if (customObjects is not null)
        {
            if (registeredName is not null && customObjects.TryGetValue(registeredName, out var t)) return t;
            if (customObjects.TryGetValue(className, out t)) return t;
        }
        foreach (var name in new[] { registeredName, className })
        {
            if (name is null || !name.Contains('>')) continue;
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
                foreach (var (registered, type) in Registered.GetOrAdd(assembly, Scan))
                    if (registered == name) return type;
        }
        var plain = className.Contains('>') ? className[(className.IndexOf('>') + 1)..] : className;
        if (Aliases.TryGetValue(plain, out var alias)) plain = alias;
        if (!BuiltIns.Value.TryGetValue(plain, out var builtIns)) return null;
        return builtIns.FirstOrDefault(t => expected is null || expected.IsAssignableFrom(t)) ?? builtIns[0];
    }

    static IReadOnlyList<(string, Type)> Scan(Assembly assembly)
    {
        if (assembly.IsDynamic) return [];
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = [.. e.Types.OfType<Type>()];
        }
        var found = new List<(string, Type)>();
        foreach (var type in types)
        {
            var attribute = type.GetCustomAttribute<KerasSerializableAttribute>(inherit: false);
            if (attribute is not null) found.Add(($"{attribute.Package}>{attribute.Name ?? type.Name}", type));
        }
        return found;
    }

    /// <summary>Keras's snake case (Conv2D to conv2d, MaxPooling2D to max_pooling2d, _queryDense to query_dense).</summary>
    public static string ToSnakeCase(string name)
    {
        name = name.TrimStart('_');
        var s = FirstCap().Replace(name, "$1_$2");
        return LowerUpper().Replace(s, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z]+)")]
    private static partial Regex FirstCap();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex LowerUpper();
}
