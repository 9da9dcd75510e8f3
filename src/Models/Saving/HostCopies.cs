using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// Makes the host copies a save writes (weights and optimizer state in Keras's layout: for Conv2D-style kernels a
/// transpose of libtorch's layout; Dense kernels and most other weights are written from their own memory) one after
/// another on a worker thread, in the order the file is written, so the HDF5 writer writes value k while value k+1 is
/// being made. Disposing waits for the worker and frees every copy.
/// </summary>
internal sealed class HostCopies : IDisposable
{
    readonly List<HostValue> _values = [];
    Task? _worker;

    /// <summary>
    /// A value the worker will make from <paramref name="kerasLayout"/> (a weight or a view of one in Keras's layout): the
    /// storage itself (no copy) when it is already contiguous on the CPU, else one copy (a kernel's transpose from
    /// libtorch's layout, or the transfer from an accelerator).
    /// </summary>
    public HostValue AddKerasLayout(long[] shape, ScalarType dtype, Func<Tensor> kerasLayout) => Add(shape, dtype, () =>
    {
        using var scope = NewDisposeScope();
        var host = kerasLayout().detach();
        if (host.device_type != DeviceType.CPU) host = host.cpu();
        return host.contiguous().MoveToOuterDisposeScope();
    });

    /// <summary>A value the worker will make with <paramref name="make"/> (a contiguous CPU tensor the queue then owns).</summary>
    public HostValue Add(long[] shape, ScalarType dtype, Func<Tensor> make)
    {
        if (_worker is not null) throw new InvalidOperationException("Values are added before the copies start.");
        var value = new HostValue(shape, dtype, make);
        _values.Add(value);
        return value;
    }

    /// <summary>A value whose tensor exists already (a scalar the file's structure needs at once); the queue owns it.</summary>
    public HostValue AddMade(Tensor tensor)
    {
        var value = new HostValue(tensor, owned: true);
        _values.Add(value);
        return value;
    }

    /// <summary>Starts making the copies in the order they were added.</summary>
    public void Start() => _worker ??= Task.Run(() =>
    {
        foreach (var value in _values) value.MakeIfPending();
    });

    /// <summary>Waits for the worker, then frees the copies.</summary>
    public void Dispose()
    {
        _worker?.Wait();   // cannot fault: MakeIfPending keeps each value's error for the writer
        foreach (var value in _values) value.Dispose();
    }
}
