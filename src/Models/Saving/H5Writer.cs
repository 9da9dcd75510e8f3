using PureHDF;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// Builds an HDF5 file the way Keras lays its files out (groups by '/'-separated path, numeric datasets, string
/// attributes) and writes it with PureHDF. Datasets are contiguous, uncompressed and little-endian, as h5py writes
/// Keras's weights; their bytes are read straight from the tensors' native buffers while the file is written.
/// </summary>
internal sealed class H5Writer
{
    readonly H5File _root = [];

    /// <summary>The bytes of all datasets added so far (to size an in-memory image).</summary>
    public long DataBytes { get; private set; }

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

    /// <summary>
    /// Adds the dataset <paramref name="path"/> holding <paramref name="value"/> (shape and dtype kept). Its tensor is
    /// read when the file is written (and waited for if still being made); it must stay alive and unchanged until
    /// <see cref="WriteTo"/> returns: its bytes are not copied here.
    /// </summary>
    public void Dataset(string path, HostValue value)
    {
        var slash = path.LastIndexOf('/');
        var group = Group(slash < 0 ? "" : path[..slash]);
        var name = path[(slash + 1)..];
        if (group.ContainsKey(name)) throw new InvalidOperationException($"HDF5 path '{path}' is written twice.");
        group[name] = ToDataset(value);
        DataBytes += value.Shape.Aggregate(1L, (a, d) => a * d) * value.Dtype switch
        {
            ScalarType.Float64 or ScalarType.Int64 => 8,
            ScalarType.Byte => 1,
            _ => 4,
        };
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

    static H5Dataset ToDataset(HostValue value)
    {
        if (value.Shape.Length == 0)
        {
            // A scalar needs an explicit scalar dataspace and is written from a one-element array.
            var tensor = value.Get();
            object scalar = value.Dtype switch
            {
                ScalarType.Float32 => new[] { tensor.item<float>() },
                ScalarType.Float64 => new[] { tensor.item<double>() },
                ScalarType.Int64 => new[] { tensor.item<long>() },
                ScalarType.Int32 => new[] { tensor.item<int>() },
                ScalarType.Byte => new[] { tensor.item<byte>() },
                _ => throw Unsupported(value.Dtype),
            };
            return new H5Dataset(scalar, fileDims: []);
        }
        ulong[] dims = System.Array.ConvertAll(value.Shape, d => (ulong)d);
        object data = value.Dtype switch
        {
            ScalarType.Float32 => TensorMemory<float>.Of(value),
            ScalarType.Float64 => TensorMemory<double>.Of(value),
            ScalarType.Int64 => TensorMemory<long>.Of(value),
            ScalarType.Int32 => TensorMemory<int>.Of(value),
            ScalarType.Byte => TensorMemory<byte>.Of(value),
            _ => throw Unsupported(value.Dtype),
        };
        return new H5Dataset(data, fileDims: dims);
    }

    static NotSupportedException Unsupported(ScalarType dtype) =>
        new($"Cannot save a weight of dtype {dtype}; Keras weights are float32, float64, int64, int32 or uint8.");
}
