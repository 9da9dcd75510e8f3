using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Pipeline.Models.Saving;

/// <summary>
/// The config of an object that is not a layer (optimizer, loss): its own <c>GetConfig()</c> when it has one, otherwise
/// its public scalar properties under Keras's snake_case keys (LearningRate to learning_rate, Beta1 to beta_1), which
/// are the constructor arguments <see cref="ConfigBinder"/> needs to build it again.
/// </summary>
internal static partial class ObjectConfig
{
    public static Dictionary<string, object?> Of(object value)
    {
        var type = value.GetType();
        var getConfig = type.GetMethod("GetConfig", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (getConfig is not null && getConfig.Invoke(value, null) is IEnumerable pairs and not string)
        {
            var config = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var pair in pairs)
            {
                var kv = pair.GetType();
                config[(string)kv.GetProperty("Key")!.GetValue(pair)!] = kv.GetProperty("Value")!.GetValue(pair);
            }
            return config;
        }
        var result = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = SerializationRegistry.ToSnakeCase(type.Name) };
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || !IsScalar(p.PropertyType)) continue;
            var key = p.Name == "Name" ? "name" : DigitSuffix().Replace(SerializationRegistry.ToSnakeCase(p.Name), "$1_$2");
            result[key] = p.GetValue(value);
        }
        return result;
    }

    static bool IsScalar(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t == typeof(string) || t == typeof(decimal) || t.IsEnum;
    }

    [GeneratedRegex("([a-z])([0-9]+)$")]
    private static partial Regex DigitSuffix();
}
