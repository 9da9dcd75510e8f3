using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// Reads the parts of an HDF5 file that Keras uses (groups, numeric datasets, string attributes) through PureHDF and
/// turns every failure of the underlying reader (a truncated file, a foreign file, a corrupt header) into one
/// <see cref="KerasFileException"/> that names the file and the object being read.
/// </summary>
internal sealed class H5Reader : IDisposable
{
    readonly NativeFile _file;

    H5Reader(NativeFile file, string fileName)
    {
        _file = file;
        FileName = fileName;
    }

    /// <summary>The file name used in error messages.</summary>
    public string FileName { get; }

    /// <summary>The root group.</summary>
    public IH5Group Root => _file;

    /// <summary>Opens <paramref name="path"/>; a file that is not HDF5 fails here with a message naming it.</summary>
    public static H5Reader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No such file: '{path}'.", path);
        try
        {
            return new H5Reader(H5File.OpenRead(path), path);
        }
        catch (Exception e) when (IsReaderError(e))
        {
            throw NotHdf5(path, e);
        }
    }

    /// <summary>Opens an HDF5 image held in <paramref name="stream"/> (readable and seekable), e.g. a zip member.</summary>
    public static H5Reader Open(Stream stream, string fileName)
    {
        try
        {
            return new H5Reader(H5File.Open(stream, leaveOpen: false), fileName);
        }
        catch (Exception e) when (IsReaderError(e))
        {
            stream.Dispose();
            throw NotHdf5(fileName, e);
        }
    }

    static KerasFileException NotHdf5(string fileName, Exception e) =>
        new(fileName, $"not a readable HDF5 file ({e.Message.Split('\n')[0]}). It may be truncated, corrupt, or not a Keras file.", e);

    /// <summary>True when a group exists at <paramref name="path"/> (relative to the root, '/'-separated).</summary>
    public bool HasGroup(string path) => Guard(path, () => _file.LinkExists(path) && _file.Get(path) is IH5Group);

    /// <summary>The group at <paramref name="path"/>; missing ones fail with the path in the message.</summary>
    public IH5Group Group(string path) => Guard(path, () =>
        _file.LinkExists(path) && _file.Get(path) is IH5Group g
            ? g
            : throw new KerasFileException(FileName, $"the file has no group '{path}'."));

    /// <summary>The children of <paramref name="group"/> (groups and datasets).</summary>
    public IReadOnlyList<IH5Object> Children(IH5Group group, string where) => Guard(where, () => group.Children().ToList());

    /// <summary>Whether <paramref name="obj"/> carries attribute <paramref name="name"/>, or its chunked form name0, name1, ...</summary>
    public bool HasAttribute(IH5Object obj, string name, string where) =>
        Guard(where, () => obj.AttributeExists(name) || obj.AttributeExists(name + "0"));

    /// <summary>A scalar string attribute (variable- or fixed-length), or null when absent.</summary>
    public string? StringAttribute(IH5Object obj, string name, string where) => Guard($"{where}@{name}", () =>
    {
        if (!obj.AttributeExists(name)) return null;
        var attribute = obj.Attribute(name);
        if (attribute.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
            throw new KerasFileException(FileName, $"attribute '{name}' of '{where}' is {attribute.Type.Class}, expected a string.");
        return attribute.Space.Type == H5DataspaceType.Scalar ? attribute.Read<string>() : attribute.Read<string[]>().FirstOrDefault();
    });

    /// <summary>
    /// A string-array attribute such as <c>layer_names</c> or <c>weight_names</c>: fixed- or variable-length strings,
    /// Keras's empty float array for "no names", and Keras's chunked form (<c>name0</c>, <c>name1</c>, ...) that it
    /// uses when the list exceeds HDF5's 64 KiB header limit. Absent attributes give an empty list.
    /// </summary>
    public IReadOnlyList<string> StringsAttribute(IH5Object obj, string name, string where) => Guard($"{where}@{name}", () =>
    {
        if (obj.AttributeExists(name)) return ReadStrings(obj.Attribute(name), name, where);
        var all = new List<string>();
        for (int chunk = 0; obj.AttributeExists(name + chunk); chunk++)
            all.AddRange(ReadStrings(obj.Attribute(name + chunk), name + chunk, where));
        return all;
    });

    IReadOnlyList<string> ReadStrings(IH5Attribute attribute, string name, string where)
    {
        if (attribute.Space.Type == H5DataspaceType.Null) return [];
        var count = attribute.Space.Dimensions.Aggregate(1UL, (a, d) => a * d);
        if (count == 0) return [];
        if (attribute.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
            throw new KerasFileException(FileName, $"attribute '{name}' of '{where}' holds {attribute.Type.Class} values, expected strings.");
        return attribute.Space.Type == H5DataspaceType.Scalar ? [attribute.Read<string>()] : attribute.Read<string[]>();
    }

    /// <summary>
    /// Reads the dataset at <paramref name="path"/> into a new CPU tensor of its shape: float32, float64, int64, int32
    /// and uint8 keep their type; anything else is refused with the dataset's name. The tensor belongs to the caller.
    /// </summary>
    public Tensor ReadTensor(string path) => Guard(path, () =>
    {
        if (!_file.LinkExists(path) || _file.Get(path) is not IH5Dataset dataset)
            throw new KerasFileException(FileName, $"the file has no dataset '{path}'.");
        using var stored = Stored(dataset, path);
        return ReadTensor((NativeDataset)dataset, path, stored.Shape, stored.Dtype);
    });

    /// <summary>
    /// The dataset at <paramref name="path"/> with its shape and dtype checked (see <see cref="ReadTensor(string)"/>)
    /// and its bytes not yet read.
    /// </summary>
    public StoredTensor Stored(string path) => Guard(path, () =>
        _file.LinkExists(path) && _file.Get(path) is IH5Dataset dataset
            ? Stored(dataset, path)
            : throw new KerasFileException(FileName, $"the file has no dataset '{path}'."));

    /// <summary><paramref name="dataset"/> with its shape and dtype checked, its bytes not yet read.</summary>
    public StoredTensor Stored(IH5Dataset dataset, string path) => Guard(path, () =>
    {
        var dims = dataset.Space.Type == H5DataspaceType.Scalar ? [] : dataset.Space.Dimensions;
        long[] shape = System.Array.ConvertAll(dims, d => checked((long)d));
        var type = dataset.Type;
        var native = dataset as NativeDataset
            ?? throw new KerasFileException(FileName, $"dataset '{path}' is not stored in the HDF5 file itself.");
        var dtype = (type.Class, type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => ScalarType.Float32,
            (H5DataTypeClass.FloatingPoint, 8) => ScalarType.Float64,
            (H5DataTypeClass.FixedPoint, 8) when type.FixedPoint.IsSigned => ScalarType.Int64,
            (H5DataTypeClass.FixedPoint, 4) when type.FixedPoint.IsSigned => ScalarType.Int32,
            (H5DataTypeClass.FixedPoint, 1) when !type.FixedPoint.IsSigned => ScalarType.Byte,
            _ => throw new KerasFileException(FileName,
                $"dataset '{path}' has HDF5 type {type.Class} of {type.Size} bytes; Keras weights are float32, float64, int64, int32 or uint8."),
        };
        return new StoredTensor(this, native, path, shape, dtype);
    });

    /// <summary>Reads <paramref name="dataset"/> straight into a new tensor's native buffer (no managed array in between); the caller owns it.</summary>
    internal Tensor ReadTensor(NativeDataset dataset, string path, long[] shape, ScalarType dtype) => Guard(path, () =>
    {
        // Owned by the caller, whatever dispose scope is open.
        var tensor = empty(shape, dtype).DetachFromDisposeScope();
        try
        {
            ReadBytes(dataset, tensor);
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    });

    /// <summary>Reads <paramref name="dataset"/> into <paramref name="destination"/> (contiguous, on the CPU, of the dataset's shape and dtype).</summary>
    internal void ReadInto(NativeDataset dataset, string path, Tensor destination) => Guard(path, () =>
    {
        ReadBytes(dataset, destination);
        return true;
    });

    /// <summary>Reads the last element of <paramref name="dataset"/> (contiguous) and drops it: fails when the file ends before the dataset does.</summary>
    internal void CheckLastElement(NativeDataset dataset, string path, long[] shape, ScalarType dtype) => Guard(path, () =>
    {
        if (shape.Aggregate(1L, (a, d) => a * d) == 0) return true;
        var starts = System.Array.ConvertAll(shape, d => (ulong)(d - 1));
        var ones = System.Array.ConvertAll(shape, _ => 1UL);
        Selection? last = shape.Length == 0 ? null : new HyperslabSelection(shape.Length, starts, ones);
        using var element = empty([1], dtype);
        switch (dtype)
        {
            case ScalarType.Float32: dataset.Read(TensorMemory<float>.SpanOf(element), last, memoryDims: [1]); break;
            case ScalarType.Float64: dataset.Read(TensorMemory<double>.SpanOf(element), last, memoryDims: [1]); break;
            case ScalarType.Int64: dataset.Read(TensorMemory<long>.SpanOf(element), last, memoryDims: [1]); break;
            case ScalarType.Int32: dataset.Read(TensorMemory<int>.SpanOf(element), last, memoryDims: [1]); break;
            default: dataset.Read(TensorMemory<byte>.SpanOf(element), last, memoryDims: [1]); break;
        }
        return true;
    });

    static void ReadBytes(NativeDataset dataset, Tensor destination)
    {
        if (destination.numel() == 0) return;
        switch (destination.dtype)
        {
            case ScalarType.Float32: dataset.Read(TensorMemory<float>.SpanOf(destination)); break;
            case ScalarType.Float64: dataset.Read(TensorMemory<double>.SpanOf(destination)); break;
            case ScalarType.Int64: dataset.Read(TensorMemory<long>.SpanOf(destination)); break;
            case ScalarType.Int32: dataset.Read(TensorMemory<int>.SpanOf(destination)); break;
            case ScalarType.Byte: dataset.Read(TensorMemory<byte>.SpanOf(destination)); break;
            default: throw new InvalidOperationException($"No HDF5 read into a {destination.dtype} tensor.");
        }
    }

    T Guard<T>(string where, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (IsReaderError(e))
        {
            throw new KerasFileException(FileName,
                $"reading '{where}' failed ({e.Message.Split('\n')[0]}). The file may be truncated or corrupt.", e);
        }
    }

    // PureHDF reports damage with whatever exception its parser hits (Exception, NotSupportedException,
    // ArgumentOutOfRangeException, EndOfStreamException, ...). Everything except our own errors and fatal ones is
    // reported as a bad file.
    static bool IsReaderError(Exception e) =>
        e is not (KerasFileException or OutOfMemoryException or StackOverflowException or OperationCanceledException);

    public void Dispose() => _file.Dispose();
}
