using NumSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Interop;

/// <summary>NDArray/Tensor conversions used by the model API. TODO(merge): forward to Pipeline's ToTensor/ToNDArray.</summary>
internal static class HostArrays
{
    internal static Tensor ToTensor(NDArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        long[] shape = [.. array.shape.Select(d => (long)d)];
        return array.typecode switch
        {
            NPTypeCode.Single => tensor(array.ToArray<float>(), shape),
            NPTypeCode.Double => tensor(array.ToArray<double>(), shape),
            NPTypeCode.Byte => tensor(array.ToArray<byte>(), shape),
            NPTypeCode.Int32 => tensor(array.ToArray<int>(), shape),
            NPTypeCode.Int64 => tensor(array.ToArray<long>(), shape),
            _ => throw new ArgumentException($"Unsupported NDArray dtype {array.dtype.Name}.", nameof(array)),
        };
    }

    internal static NDArray ToNDArray(Tensor t)
    {
        using var cpu = t.cpu().contiguous();
        var shape = new Shape([.. cpu.shape.Select(d => (int)d)]);
        return cpu.dtype switch
        {
            ScalarType.Float32 => new NDArray(cpu.data<float>().ToArray(), shape),
            ScalarType.Int64 => new NDArray(cpu.data<long>().ToArray(), shape),
            _ => throw new ArgumentException($"Unsupported tensor dtype {cpu.dtype}.", nameof(t)),
        };
    }
}
