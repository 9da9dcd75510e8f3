using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Models.Saving;

/// <summary>
/// Converts between the plain values of <c>GetConfig()</c> dictionaries (strings, numbers, booleans, arrays, nested
/// dictionaries, null) and JSON as Keras writes it in config.json and in HDF5 attributes.
/// </summary>
internal static class JsonConfig
{
    static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>A plain value as JSON; tuples become lists, as Python's json writes them.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        float f => Number(f),
        double d => Number(d),
        Enum e => JsonValue.Create(e.ToString()),
        IDictionary dictionary => Object(dictionary),
        System.Runtime.CompilerServices.ITuple tuple => new JsonArray([.. Enumerable.Range(0, tuple.Length).Select(i => ToJson(tuple[i]))]),
        IEnumerable sequence => new JsonArray([.. sequence.Cast<object?>().Select(ToJson)]),
        _ => throw new NotSupportedException(
            $"A config value of type {value.GetType().Name} cannot be written as JSON; GetConfig() must return strings, numbers, booleans, arrays, dictionaries or null."),
    };

    // Whole numbers written from doubles keep Python's "1.0" look so the type survives a round trip through Keras.
    static JsonNode Number(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
            throw new NotSupportedException($"A config value of {d} cannot be written as JSON.");
        return JsonValue.Create(d);
    }

    static JsonObject Object(IDictionary dictionary)
    {
        var obj = new JsonObject();
        foreach (DictionaryEntry entry in dictionary) obj[(string)entry.Key] = ToJson(entry.Value);
        return obj;
    }

    /// <summary>JSON as plain values: objects to dictionaries, arrays to object arrays, whole numbers to long, others to double.</summary>
    public static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(kv => kv.Key, kv => ToPlain(kv.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(ToPlain).ToArray(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetValue<long>(out var l) ? l : value.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };

    /// <summary>Compact JSON text, as Python's <c>json.dumps</c> writes Keras's files.</summary>
    public static string Write(JsonNode node) => node.ToJsonString(Compact);

    /// <summary>Parses <paramref name="text"/>; bad JSON fails with the file and the part being read.</summary>
    public static JsonObject Parse(string text, string fileName, string what)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject
                ?? throw new KerasFileException(fileName, $"{what} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new KerasFileException(fileName, $"{what} is not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>A string member, or null.</summary>
    public static string? String(JsonNode? node, string key) =>
        node is JsonObject obj && obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>Invariant text of a number for messages.</summary>
    public static string Text(double d) => d.ToString(CultureInfo.InvariantCulture);
}
