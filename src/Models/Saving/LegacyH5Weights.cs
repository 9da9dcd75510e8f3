using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// Keras 2's HDF5 weights layout, used by <c>save_weights("w.h5")</c> (at the root) and by full-model <c>.h5</c> files
/// (under <c>model_weights</c>): attribute <c>layer_names</c> lists the layers in model order; each layer's group has
/// attribute <c>weight_names</c> (e.g. "dense_1/kernel:0", trainable weights first) naming datasets below the group.
/// </summary>
internal static class LegacyH5Weights
{
    /// <summary>One layer's saved weights, in the file's order (their bytes read when loaded).</summary>
    internal sealed record Layer(string Name, IReadOnlyList<string> WeightNames, IReadOnlyList<StoredTensor> Values) : IDisposable
    {
        public void Dispose()
        {
            foreach (var v in Values) v.Dispose();
        }
    }

    /// <summary>One layer's weights to write, made by <see cref="HostCopies"/>.</summary>
    internal sealed record SavedLayer(string Name, IReadOnlyList<string> WeightNames, IReadOnlyList<HostValue> Values);

    /// <summary>Reads every layer listed in <c>layer_names</c> of the group at <paramref name="groupPath"/> ("" for the root).</summary>
    public static IReadOnlyList<Layer> Read(H5Reader reader, string groupPath)
    {
        var group = groupPath.Length == 0 ? reader.Root : reader.Group(groupPath);
        var where = groupPath.Length == 0 ? "/" : groupPath;
        if (!reader.HasAttribute(group, "layer_names", where))
            throw new KerasFileException(reader.FileName, $"'{where}' has no 'layer_names' attribute, so it is not a Keras HDF5 weights file.");
        var layers = new List<Layer>();
        foreach (var layerName in reader.StringsAttribute(group, "layer_names", where))
        {
            var layerPath = Join(groupPath, layerName);
            var layerGroup = reader.Group(layerPath);
            var weightNames = reader.StringsAttribute(layerGroup, "weight_names", layerPath);
            var values = new List<StoredTensor>();
            try
            {
                foreach (var w in weightNames) values.Add(reader.Stored(Join(layerPath, w)));
            }
            catch
            {
                foreach (var v in values) v.Dispose();
                foreach (var l in layers) l.Dispose();
                throw;
            }
            layers.Add(new Layer(layerName, weightNames, values));
        }
        return layers;
    }

    /// <summary>Writes <paramref name="layers"/> (all model layers, also those without weights) under <paramref name="groupPath"/>.</summary>
    public static void Write(H5Writer writer, string groupPath, IReadOnlyList<SavedLayer> layers, string kerasVersion)
    {
        writer.Attribute(groupPath, "layer_names", [.. layers.Select(l => l.Name)]);
        writer.Attribute(groupPath, "backend", KerasFormat.Backend);
        writer.Attribute(groupPath, "keras_version", kerasVersion);
        foreach (var layer in layers)
        {
            var layerPath = Join(groupPath, layer.Name);
            writer.Attribute(layerPath, "weight_names", layer.WeightNames);
            for (int i = 0; i < layer.Values.Count; i++) writer.Dataset(Join(layerPath, layer.WeightNames[i]), layer.Values[i]);
        }
    }

    static string Join(string a, string b) => a.Length == 0 ? b : $"{a}/{b}";
}
