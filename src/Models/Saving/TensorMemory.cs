using System.Buffers;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Saving;

/// <summary>
/// The elements of a contiguous CPU tensor as <see cref="Memory{T}"/>, so the HDF5 writer reads a weight's bytes where
/// libtorch keeps them instead of from a managed copy. The tensor's native buffer never moves, so pinning is free; the
/// caller keeps the tensor alive (and unchanged) until the memory is no longer used.
/// </summary>
internal sealed unsafe class TensorMemory<T> : MemoryManager<T> where T : unmanaged
{
    readonly T* _pointer;
    readonly int _length;

    TensorMemory(Tensor tensor)
    {
        _length = checked((int)tensor.numel());
        _pointer = (T*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));
    }

    /// <summary>The elements of <paramref name="tensor"/> (contiguous, on the CPU, of element type <typeparamref name="T"/>).</summary>
    public static Memory<T> Of(Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new InvalidOperationException("The HDF5 writer takes contiguous CPU tensors.");
        return tensor.numel() == 0 ? Memory<T>.Empty : new TensorMemory<T>(tensor).Memory;
    }

    /// <summary>The elements of <paramref name="tensor"/> as a span (same conditions as <see cref="Of"/>).</summary>
    public static Span<T> SpanOf(Tensor tensor) =>
        tensor.numel() == 0 ? Span<T>.Empty : MemoryMarshal.Cast<byte, T>(tensor.bytes);

    public override Span<T> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
