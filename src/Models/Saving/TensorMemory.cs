using System.Buffers;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// The elements of a contiguous CPU tensor as <see cref="Memory{T}"/>, so the HDF5 writer reads a weight's bytes where
/// libtorch keeps them instead of from a managed copy. The tensor is only asked for when the writer first touches the
/// bytes, so a tensor still being made (<see cref="HostCopies"/>) is waited for then, not when the file's structure is
/// laid out. The tensor's native buffer never moves, so pinning is free.
/// </summary>
internal sealed unsafe class TensorMemory<T> : MemoryManager<T> where T : unmanaged
{
    readonly HostValue _value;
    readonly int _length;
    T* _pointer;

    TensorMemory(HostValue value, int length)
    {
        _value = value;
        _length = length;
    }

    /// <summary>The elements of <paramref name="value"/>'s tensor (of element type <typeparamref name="T"/>), resolved on first use.</summary>
    public static Memory<T> Of(HostValue value)
    {
        var length = checked((int)value.Shape.Aggregate(1L, (a, d) => a * d));
        return length == 0 ? Memory<T>.Empty : new TensorMemory<T>(value, length).CreateMemory(length);
    }

    /// <summary>The elements of <paramref name="tensor"/> (contiguous, on the CPU) as a span.</summary>
    public static Span<T> SpanOf(Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new InvalidOperationException("Only the bytes of contiguous CPU tensors are read or written directly.");
        return tensor.numel() == 0 ? Span<T>.Empty : MemoryMarshal.Cast<byte, T>(tensor.bytes);
    }

    T* Pointer
    {
        get
        {
            if (_pointer == null) _pointer = (T*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetReference(SpanOf(_value.Get())));
            return _pointer;
        }
    }

    public override Span<T> GetSpan() => new(Pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(Pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
