using NumSharp;
using PureHDF;

namespace Pipeline.Models.Saving;

/// <summary>
/// Builds an HDF5 file in memory the way Keras lays its files out (groups by '/'-separated path, numeric datasets,
/// string attributes) and writes it with PureHDF. Datasets are contiguous, uncompressed and little-endian, as h5py
/// writes Keras's weights.
/// </summary>
internal sealed class H5Writer
{
    readonly H5File _root = [];

    /// <summary>The group at <paramref name="path"/>, created with its parents when missing ("" is the root).</summary>
    public H5Group Group(string path)
    {
        H5Group group = _root;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!group.TryGetValue(part, out var child))
            {
                child = new H5Group();
                group[part] = child;
            }
            group = child as H5Group ?? throw new InvalidOperationException($"HDF5 path '{path}': '{part}' is a dataset, not a group.");
        }
        return group;
    }

    /// <summary>Adds the dataset <paramref name="path"/> holding <paramref name="value"/> (shape and dtype kept).</summary>
    public void Dataset(string path, NDArray value)
    {
        var slash = path.LastIndexOf('/');
        var group = Group(slash < 0 ? "" : path[..slash]);
        var name = path[(slash + 1)..];
        if (group.ContainsKey(name)) throw new InvalidOperationException($"HDF5 path '{path}' is written twice.");
        group[name] = ToDataset(value);
    }

    /// <summary>Sets a string attribute (variable-length UTF-8, as h5py writes Python strings).</summary>
    public void Attribute(string groupPath, string name, string value) => Group(groupPath).Attributes[name] = value;

    /// <summary>
    /// Sets a string-array attribute (<c>layer_names</c>, <c>weight_names</c>). An empty list is written as Keras
    /// writes it: an empty float array.
    /// </summary>
    public void Attribute(string groupPath, string name, IReadOnlyList<string> values) =>
        Group(groupPath).Attributes[name] = values.Count == 0
            ? new H5Attribute(System.Array.Empty<float>(), dimensions: [0])
            : values.ToArray();

    /// <summary>Writes the file to <paramref name="stream"/> (readable, writable and seekable).</summary>
    public void WriteTo(Stream stream) => _root.Write(stream);

    static H5Dataset ToDataset(NDArray value)
    {
        if (!value.Shape.IsContiguous || value.Shape.IsBroadcasted) value = value.copy();
        ulong[] dims = value.Shape.IsScalar ? [] : System.Array.ConvertAll(value.shape, d => (ulong)d);
        object data = value.typecode switch
        {
            NPTypeCode.Single => value.ToArray<float>(),
            NPTypeCode.Double => value.ToArray<double>(),
            NPTypeCode.Int64 => value.ToArray<long>(),
            NPTypeCode.Int32 => value.ToArray<int>(),
            NPTypeCode.Byte => value.ToArray<byte>(),
            _ => throw new NotSupportedException($"Cannot save a weight of dtype {value.typecode}; Keras weights are float32, float64, int64, int32 or uint8."),
        };
        // A scalar needs an explicit scalar dataspace; arrays are written with their full shape.
        return dims.Length == 0 ? new H5Dataset(data, fileDims: []) : new H5Dataset(data, fileDims: dims);
    }
}
