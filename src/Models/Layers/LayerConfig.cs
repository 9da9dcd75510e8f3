using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;

namespace Pipeline.Models.Layers;

/// <summary>Turns constructor arguments into the JSON-ready values Keras writes in a layer's config.</summary>
internal static class LayerConfig
{
    /// <summary>A pair as Keras's list, e.g. kernel_size [3, 3].</summary>
    internal static int[] Pair((int, int) value) => [value.Item1, value.Item2];

    /// <summary>Keras 3's serialized object: module, class_name, config, registered_name.</summary>
    internal static Dictionary<string, object?>? Serialize(Initializer? initializer) =>
        initializer is null ? null : Object("keras.initializers", initializer.GetType().Name, initializer.GetConfig());

    /// <summary>Keras 3's serialized regularizer, or null.</summary>
    internal static Dictionary<string, object?>? Serialize(Regularizer? regularizer) =>
        regularizer is null ? null : Object("keras.regularizers", regularizer.GetType().Name, regularizer.GetConfig());

    static Dictionary<string, object?> Object(string module, string className, IReadOnlyDictionary<string, object?> config) => new(StringComparer.Ordinal)
    {
        ["module"] = module,
        ["class_name"] = className,
        ["config"] = config.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        ["registered_name"] = null,
    };
}
