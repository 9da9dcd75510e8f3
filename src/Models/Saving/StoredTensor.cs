using PureHDF;
using PureHDF.VOL.Native;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// One dataset of a weights file as a load sees it: its shape and dtype are known (and checked against the model)
/// before any of its bytes are read, so a load can check a whole file first and then read every value straight into
/// the weight that receives it, with no tensor in between. Loading keeps its promise that a bad file changes nothing:
/// <see cref="CheckComplete"/>, run on every value before the first weight is written, proves each dataset's bytes
/// are in the file (a truncated file fails there), and datasets stored in any other form than one contiguous block
/// are read into a tensor of their own at that point.
/// </summary>
internal sealed class StoredTensor : IDisposable
{
    readonly H5Reader _reader;
    readonly NativeDataset _dataset;
    readonly string _path;
    Tensor? _value;

    internal StoredTensor(H5Reader reader, NativeDataset dataset, string path, long[] shape, ScalarType dtype)
    {
        _reader = reader;
        _dataset = dataset;
        _path = path;
        Shape = shape;
        Dtype = dtype;
    }

    /// <summary>The shape as stored (Keras's layout).</summary>
    public long[] Shape { get; }

    /// <summary>The element type.</summary>
    public ScalarType Dtype { get; }

    /// <summary>The values as a CPU tensor, read on first use and owned by this object.</summary>
    public Tensor Value => _value ??= _reader.ReadTensor(_dataset, _path, Shape, Dtype);

    /// <summary>
    /// Makes sure the values can be read without error: reads the last element of a contiguous dataset (its block
    /// then lies wholly in the file), reads any other dataset (chunked, compact) in full now.
    /// </summary>
    public void CheckComplete()
    {
        if (_value is not null) return;
        if (_dataset.Layout.Class == H5DataLayoutClass.Contiguous) _reader.CheckLastElement(_dataset, _path, Shape, Dtype);
        else _ = Value;
    }

    /// <summary>
    /// Sets <paramref name="target"/> to these values: read straight into its storage when that holds Keras's layout
    /// contiguously on the CPU in this dtype (a Dense kernel, a bias, a LayerNormalization scale), else read into a
    /// tensor and assigned (a Conv2D kernel is transposed into libtorch's layout, a GPU weight copied over).
    /// </summary>
    public void LoadInto(Variable target)
    {
        if (_value is null && target.TryGetDirectStorage(Dtype) is { } storage)
        {
            using var noGrad = no_grad();
            _reader.ReadInto(_dataset, _path, storage);
        }
        else target.Assign(Value);
    }

    /// <summary>Frees the tensor read, if any.</summary>
    public void Dispose() => _value?.Dispose();
}
