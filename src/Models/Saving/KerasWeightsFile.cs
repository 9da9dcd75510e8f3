using PureHDF;

namespace Pipeline.Models.Saving;

/// <summary>
/// Keras 3's weights layout (<c>model.weights.h5</c> inside a <c>.keras</c> zip, and <c>.weights.h5</c> files): every
/// saveable object's variables under <c>&lt;path&gt;/vars/&lt;i&gt;</c>. Paths come from the object tree, not from
/// layer names: <c>layers/&lt;class in snake case&gt;[_&lt;n&gt;]</c> for the layers of Sequential and functional models
/// in order, attribute names for nested layers, <c>optimizer</c> for the optimizer, <c>vars</c> at the root for the
/// model's own variables.
/// </summary>
internal static class KerasWeightsFile
{
    const string Vars = "vars";

    /// <summary>True when the file looks like Keras 3's layout (no legacy <c>layer_names</c> at the root).</summary>
    public static bool IsKeras3Layout(H5Reader reader) =>
        !reader.HasAttribute(reader.Root, "layer_names", "/") && !reader.HasGroup("model_weights");

    /// <summary>Every vars group of the file, keyed by inner path ("" for the root's own vars); the values' bytes are read when loaded.</summary>
    public static Dictionary<string, WeightsEntry> Read(H5Reader reader)
    {
        var entries = new Dictionary<string, WeightsEntry>(StringComparer.Ordinal);
        try
        {
            Walk(reader, reader.Root, "", entries);
            return entries;
        }
        catch
        {
            foreach (var e in entries.Values) e.Dispose();
            throw;
        }
    }

    static void Walk(H5Reader reader, IH5Group group, string path, Dictionary<string, WeightsEntry> entries)
    {
        foreach (var child in reader.Children(group, path.Length == 0 ? "/" : path))
        {
            if (child is not IH5Group sub) continue;
            var childPath = path.Length == 0 ? child.Name : $"{path}/{child.Name}";
            if (child.Name == Vars) entries[path] = ReadVars(reader, sub, childPath, path);
            else Walk(reader, sub, childPath, entries);
        }
    }

    static WeightsEntry ReadVars(H5Reader reader, IH5Group vars, string varsPath, string path)
    {
        var datasets = new SortedDictionary<int, StoredTensor>();
        try
        {
            return FillVars(reader, vars, varsPath, path, datasets);
        }
        catch
        {
            foreach (var t in datasets.Values) t.Dispose();
            throw;
        }
    }

    static WeightsEntry FillVars(H5Reader reader, IH5Group vars, string varsPath, string path, SortedDictionary<int, StoredTensor> datasets)
    {
        foreach (var child in reader.Children(vars, varsPath))
        {
            if (child is not IH5Dataset dataset) continue;
            if (!int.TryParse(child.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                throw new KerasFileException(reader.FileName, $"dataset '{varsPath}/{child.Name}' is not named by an index as Keras names variables (0, 1, ...).");
            datasets[index] = reader.Stored(dataset, $"{varsPath}/{child.Name}");
        }
        int expected = 0;
        foreach (var index in datasets.Keys)
            if (index != expected++)
                throw new KerasFileException(reader.FileName, $"'{varsPath}' has variables {string.Join(", ", datasets.Keys)}; variable {expected - 1} is missing.");
        var name = reader.StringAttribute(vars, "name", varsPath);
        return new WeightsEntry(path, name, [.. datasets.Values]);
    }

    /// <summary>
    /// Adds <paramref name="entries"/> to <paramref name="writer"/>. Like Keras, an entry without variables still
    /// gets its vars group when it has a name, so every layer appears in the file.
    /// </summary>
    public static void Write(H5Writer writer, IEnumerable<SavedEntry> entries)
    {
        foreach (var entry in entries)
        {
            var varsPath = entry.Path.Length == 0 ? Vars : $"{entry.Path}/{Vars}";
            if (entry.Values.Count == 0 && entry.Name is null) continue;
            writer.Group(varsPath);
            if (entry.Name is not null) writer.Attribute(varsPath, "name", entry.Name);
            for (int i = 0; i < entry.Values.Count; i++)
                writer.Dataset($"{varsPath}/{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}", entry.Values[i]);
        }
    }
}
