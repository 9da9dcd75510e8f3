using NumSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

/// <summary>
/// The one conversion pair between NumSharp's <see cref="NDArray"/> (numpy on .NET) and TorchSharp tensors. Each
/// direction allocates the destination and copies the bytes once (no per-element loop); shapes and dtypes are kept.
/// </summary>
public static class NDArrayConversions
{
    /// <summary>
    /// Copies <paramref name="array"/> into a new CPU tensor of the same shape and dtype (numpy's
    /// <c>torch.from_numpy(a).clone()</c>). Non-contiguous views are made contiguous first.
    /// </summary>
    /// <exception cref="NotSupportedException">The dtype has no TorchSharp equivalent (uint16/32/64, char, decimal, string).</exception>
    public static unsafe Tensor ToTensor(this NDArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        var dtype = ToScalarType(array.typecode);
        if (!array.Shape.IsContiguous || array.Shape.IsBroadcasted) array = array.copy();
        var shape = array.Shape.IsScalar ? [] : Array.ConvertAll(array.shape, d => (long)d);
        var tensor = torch.empty(shape, dtype);
        var bytes = array.Unsafe.BytesLength;
        if (bytes > 0)
        {
            var destination = tensor.bytes;
            new ReadOnlySpan<byte>(array.Unsafe.Address, checked((int)bytes)).CopyTo(destination);
        }
        return tensor;
    }

    /// <summary>
    /// Copies <paramref name="tensor"/> (moved to the CPU and made contiguous when needed) into a new
    /// <see cref="NDArray"/> of the same shape and dtype (PyTorch's <c>t.numpy().copy()</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">The dtype has no NumSharp equivalent (e.g. float16, bfloat16, complex).</exception>
    public static unsafe NDArray ToNDArray(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var typeCode = ToTypeCode(tensor.dtype);
        using var scope = torch.NewDisposeScope();
        var cpu = tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu();
        if (!cpu.is_contiguous()) cpu = cpu.contiguous();
        var shape = Array.ConvertAll(cpu.shape, d => checked((int)d));
        var array = new NDArray(typeCode, shape.Length == 0 ? Shape.Scalar : new Shape(shape), false);
        if (cpu.numel() > 0)
        {
            var source = cpu.bytes;
            source.CopyTo(new Span<byte>(array.Unsafe.Address, checked((int)array.Unsafe.BytesLength)));
        }
        return array;
    }

    static ScalarType ToScalarType(NPTypeCode code) => code switch
    {
        NPTypeCode.Boolean => ScalarType.Bool,
        NPTypeCode.Byte => ScalarType.Byte,
        NPTypeCode.Int16 => ScalarType.Int16,
        NPTypeCode.Int32 => ScalarType.Int32,
        NPTypeCode.Int64 => ScalarType.Int64,
        NPTypeCode.Single => ScalarType.Float32,
        NPTypeCode.Double => ScalarType.Float64,
        _ => throw new NotSupportedException($"ToTensor: NDArray dtype {code} has no TorchSharp equivalent; expected one of bool, uint8, int16, int32, int64, float32, float64. Convert it with astype first."),
    };

    static NPTypeCode ToTypeCode(ScalarType type) => type switch
    {
        ScalarType.Bool => NPTypeCode.Boolean,
        ScalarType.Byte => NPTypeCode.Byte,
        ScalarType.Int16 => NPTypeCode.Int16,
        ScalarType.Int32 => NPTypeCode.Int32,
        ScalarType.Int64 => NPTypeCode.Int64,
        ScalarType.Float32 => NPTypeCode.Single,
        ScalarType.Float64 => NPTypeCode.Double,
        _ => throw new NotSupportedException($"ToNDArray: tensor dtype {type} has no NumSharp equivalent; expected one of bool, uint8, int16, int32, int64, float32, float64. Convert it with .to(...) first."),
    };
}
