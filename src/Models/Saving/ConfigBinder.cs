using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Runtime;

namespace Pipeline.Models.Saving;

/// <summary>
/// Builds an object from its Keras config, as Keras's default <c>from_config</c> calls <c>cls(**config)</c>: a public
/// static <c>FromConfig(Dictionary&lt;string, object?&gt;)</c> when the class has one, otherwise the public constructor
/// whose parameters the config's keys name (snake_case keys match camelCase parameters: <c>use_bias</c> -&gt; <c>useBias</c>,
/// <c>beta_1</c> -&gt; <c>beta1</c>). Nested serialized objects (initializers, regularizers, layers) are built the same way.
/// Keys no constructor parameter takes (dtype, data_format, ...) are ignored.
/// </summary>
internal sealed class ConfigBinder(string fileName, IReadOnlyDictionary<string, Type>? customObjects)
{
    /// <summary>The file named in errors.</summary>
    public string FileName { get; } = fileName;

    /// <summary>The caller's extra classes, by name.</summary>
    public IReadOnlyDictionary<string, Type>? CustomObjects { get; } = customObjects;

    /// <summary>Resolves and builds a serialized object <c>{"class_name", "config", "registered_name", "module"}</c>.</summary>
    public object Deserialize(JsonObject serialized, Type expected, string where)
    {
        var className = JsonConfig.String(serialized, "class_name")
            ?? throw new KerasFileException(FileName, $"{where}: a serialized object has no class_name.");
        var registered = JsonConfig.String(serialized, "registered_name");
        var type = SerializationRegistry.Resolve(className, registered, CustomObjects, expected)
            ?? throw new KerasFileException(FileName,
                $"{where}: unknown class '{registered ?? className}'. Register it with [KerasSerializable] or pass it in customObjects (e.g. customObjects: new() {{ [\"{registered ?? className}\"] = typeof(MyClass) }}).");
        if (!expected.IsAssignableFrom(type))
            throw new KerasFileException(FileName, $"{where}: class '{className}' resolves to {type.FullName}, which is not a {expected.Name}.");
        var config = serialized["config"] as JsonObject ?? [];
        return Construct(type, config, $"{where} ({className})");
    }

    /// <summary>Builds <paramref name="type"/> from <paramref name="config"/>.</summary>
    public object Construct(Type type, JsonObject config, string where)
    {
        var fromConfig = type.GetMethod("FromConfig", BindingFlags.Public | BindingFlags.Static, [typeof(Dictionary<string, object?>)]);
        if (fromConfig is not null && type.IsAssignableFrom(fromConfig.ReturnType))
        {
            var plain = (Dictionary<string, object?>)JsonConfig.ToPlain(config)!;
            return Invoke(() => fromConfig.Invoke(null, [plain])!, where);
        }
        var keys = config.ToDictionary(kv => Normalize(kv.Key), kv => kv.Value, StringComparer.Ordinal);
        string? lastProblem = null;
        // Prefer the constructor that takes the most of the config.
        foreach (var ctor in type.GetConstructors().OrderByDescending(c => c.GetParameters().Count(p => keys.ContainsKey(Normalize(p.Name!)))))
        {
            var parameters = ctor.GetParameters();
            var args = new object?[parameters.Length];
            bool ok = true;
            foreach (var p in parameters)
            {
                if (keys.TryGetValue(Normalize(p.Name!), out var node))
                {
                    if (p.HasDefaultValue && IsUnknownObject(node))
                    {
                        // An initializer or regularizer class we do not have (VarianceScaling, ...): the weights are loaded
                        // from the file anyway; say so, and keep the default.
                        TorchRuntime.Log($"{FileName}: {where}.{p.Name}: class '{JsonConfig.String(node, "class_name")}' is not available; using the default.");
                        args[p.Position] = p.DefaultValue;
                        continue;
                    }
                    if (TryConvert(node, p.ParameterType, $"{where}.{p.Name}", out var value, out var problem)) { args[p.Position] = value; continue; }
                    lastProblem = problem;
                }
                else if (p.HasDefaultValue) { args[p.Position] = p.DefaultValue; continue; }
                else lastProblem = $"the config has no '{p.Name}'";
                ok = false;
                break;
            }
            if (ok) return Invoke(() => ctor.Invoke(args), where);
        }
        throw new KerasFileException(FileName,
            $"{where}: cannot build {type.Name} from its config ({lastProblem ?? "no public constructor"}); config keys: {string.Join(", ", config.Select(kv => kv.Key))}. " +
            "Give the class a constructor whose parameters match the keys of GetConfig(), or a static FromConfig(Dictionary<string, object?>).");
    }

    bool IsUnknownObject(JsonNode? node) =>
        node is JsonObject o && JsonConfig.String(o, "class_name") is string cls
        && SerializationRegistry.Resolve(cls, JsonConfig.String(o, "registered_name"), CustomObjects) is null;

    object Invoke(Func<object> create, string where)
    {
        try
        {
            return create();
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new KerasFileException(FileName, $"{where}: the config is not valid for this class: {e.InnerException.Message}", e.InnerException);
        }
    }

    /// <summary>Keys and parameter names compared without case and underscores: use_bias = useBias, beta_1 = beta1.</summary>
    static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    bool TryConvert(JsonNode? node, Type target, string where, out object? value, out string? problem)
    {
        problem = null;
        value = null;
        var underlying = Nullable.GetUnderlyingType(target);
        if (node is null)
        {
            if (!target.IsValueType || underlying is not null) return true;
            problem = $"'{where}' is null but {target.Name} is required";
            return false;
        }
        target = underlying ?? target;
        try
        {
            switch (node)
            {
                case JsonValue v when target == typeof(string) && v.GetValueKind() == JsonValueKind.String:
                    value = v.GetValue<string>();
                    return true;
                case JsonObject o when target == typeof(string) && JsonConfig.String(o, "class_name") is string cls:
                    // A serialized object where we take a name (e.g. an activation or initializer given by name).
                    value = SerializationRegistry.ToSnakeCase(cls);
                    return true;
                case JsonValue v when target == typeof(int):
                    value = v.GetValue<int>();
                    return true;
                case JsonArray a when target == typeof(int) && a.Count > 0 && a.All(x => x is JsonValue e && e.GetValueKind() == JsonValueKind.Number)
                                      && a.Select(x => x!.GetValue<int>()).Distinct().Count() == 1:
                    // Keras writes one number as a list where we take one: BatchNormalization's axis as [3] (Keras 2), a
                    // DepthwiseConv2D dilation_rate as [1, 1]. Lists whose values differ still fail below, naming the key.
                    value = a[0]!.GetValue<int>();
                    return true;
                case JsonValue v when target == typeof(long):
                    value = v.GetValue<long>();
                    return true;
                case JsonValue v when target == typeof(double):
                    value = v.GetValue<double>();
                    return true;
                case JsonValue v when target == typeof(float):
                    value = v.GetValue<float>();
                    return true;
                case JsonValue v when target == typeof(bool) && v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() is 0 or 1:
                    // Python code may pass 1 for True (scale=1 in a Keras 2.14 BatchNormalization); Keras keeps it as given.
                    value = v.GetValue<double>() == 1;
                    return true;
                case JsonValue v when target == typeof(bool):
                    value = v.GetValue<bool>();
                    return true;
                case JsonValue v when target.IsEnum && v.GetValueKind() == JsonValueKind.String:
                    value = Enum.Parse(target, v.GetValue<string>().Replace("_", ""), ignoreCase: true);
                    return true;
                case JsonValue v when IsIntTuple(target) && v.GetValueKind() == JsonValueKind.Number:
                    // Keras accepts kernel_size=3 for (3, 3).
                    var n = v.GetValue<int>();
                    value = Activator.CreateInstance(target, [.. Enumerable.Repeat<object>(n, target.GetGenericArguments().Length)]);
                    return true;
                case JsonArray a when IsIntTuple(target) && a.Count == target.GetGenericArguments().Length:
                    value = Activator.CreateInstance(target, [.. a.Select(x => (object)x!.GetValue<int>())]);
                    return true;
                case JsonArray a when IsTuple(target) && a.Count == target.GetGenericArguments().Length:
                    // Nested pairs: ZeroPadding2D's and Cropping2D's ((top, bottom), (left, right)) written as [[1, 0], [2, 1]].
                    var parts = new object?[a.Count];
                    for (int i = 0; i < a.Count; i++)
                        if (!TryConvert(a[i], target.GetGenericArguments()[i], $"{where}[{i}]", out parts[i], out problem)) return false;
                    value = Activator.CreateInstance(target, parts);
                    return true;
                case JsonValue v when target.IsArray && v.GetValueKind() == JsonValueKind.Number:
                    // One number where a list is taken: Keras writes LayerNormalization's axis as -1 or as [-2, -1].
                    var single = Array.CreateInstance(target.GetElementType()!, 1);
                    if (!TryConvert(v, target.GetElementType()!, where, out var only, out problem)) return false;
                    single.SetValue(only, 0);
                    value = single;
                    return true;
                case JsonArray a when target.IsArray:
                    var element = target.GetElementType()!;
                    var array = Array.CreateInstance(element, a.Count);
                    for (int i = 0; i < a.Count; i++)
                    {
                        if (!TryConvert(a[i], element, $"{where}[{i}]", out var item, out problem)) return false;
                        array.SetValue(item, i);
                    }
                    value = array;
                    return true;
                case JsonArray a when target.IsGenericType && target.GetGenericTypeDefinition() is var def
                                      && (def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(IEnumerable<>) || def == typeof(List<>)):
                    var itemType = target.GetGenericArguments()[0];
                    var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
                    for (int i = 0; i < a.Count; i++)
                    {
                        if (!TryConvert(a[i], itemType, $"{where}[{i}]", out var item, out problem)) return false;
                        list.Add(item);
                    }
                    value = list;
                    return true;
                case JsonValue v when v.GetValueKind() == JsonValueKind.Number && target.IsClass
                                      && target.GetMethod("op_Implicit", BindingFlags.Public | BindingFlags.Static, [typeof(double)]) is { } fromDouble:
                    // A number where a class converts from one (learning_rate: 0.001 for a LearningRateSchedule).
                    value = fromDouble.Invoke(null, [v.GetValue<double>()]);
                    return true;
                case JsonObject o when JsonConfig.String(o, "class_name") is not null && target.IsClass && target != typeof(object) && !typeof(IDictionary).IsAssignableFrom(target):
                    value = Deserialize(o, target, where);
                    return true;
                case JsonValue v when target.IsClass && target != typeof(string) && v.GetValueKind() == JsonValueKind.String
                                      && target.GetMethod("Get", BindingFlags.Public | BindingFlags.Static, [typeof(string)]) is { } get:
                    // Objects given by name, e.g. kernel_initializer: "glorot_uniform" (Keras 2) for an Initializer parameter.
                    value = get.Invoke(null, [v.GetValue<string>()]);
                    return true;
                default:
                    if (target == typeof(object) || typeof(IDictionary).IsAssignableFrom(target))
                    {
                        value = JsonConfig.ToPlain(node);
                        return true;
                    }
                    break;
            }
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or OverflowException or TargetInvocationException)
        {
            problem = $"'{where}' = {node.ToJsonString()} does not fit {target.Name} ({(e as TargetInvocationException)?.InnerException?.Message ?? e.Message})";
            return false;
        }
        problem = $"'{where}' = {node.ToJsonString()} does not fit {target.Name}";
        return false;
    }

    static bool IsTuple(Type t) => t.IsGenericType && t.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal);

    static bool IsIntTuple(Type t) =>
        t.IsGenericType && t.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) && t.GetGenericArguments().All(a => a == typeof(int));

    /// <summary>Invariant text for messages.</summary>
    public static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null";
}
