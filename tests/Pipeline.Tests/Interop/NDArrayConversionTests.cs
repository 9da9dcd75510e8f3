using NumSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Interop;

public class NDArrayConversionTests
{
    [Fact]
    public void ToTensor_keeps_shape_dtype_and_values()
    {
        var a = np.arange(24).reshape(2, 3, 4).astype(np.float32);
        using var t = a.ToTensor();
        Assert.Equal([2L, 3, 4], t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        Assert.Equal(23f, t[1, 2, 3].item<float>());
    }

    [Fact]
    public void ToNDArray_round_trips_a_tensor()
    {
        using var t = torch.arange(6, dtype: ScalarType.Int32).reshape(3, 2);
        var a = t.ToNDArray();
        Assert.Equal([3L, 2], a.shape.Select(d => (long)d));
        Assert.Equal(5, a.GetInt32(2, 1));
        using var back = a.ToTensor();
        Assert.Equal(t.shape, back.shape);
        Assert.True(back.eq(t).all().item<bool>());
    }

    [Fact]
    public void ToNDArray_copies_a_non_contiguous_tensor_in_logical_order()
    {
        using var t = torch.arange(6, dtype: ScalarType.Int64).reshape(2, 3);
        using var transposed = t.t();
        var a = transposed.ToNDArray();
        Assert.Equal([3L, 2], a.shape.Select(d => (long)d));
        Assert.Equal(3L, a.GetInt64(0, 1));
    }

    [Fact]
    public void ToTensor_copies_a_sliced_view()
    {
        var a = np.arange(12).reshape(3, 4);
        var view = a["1:3, 1:3"];
        using var t = view.ToTensor();
        Assert.Equal([2L, 2], t.shape);
        Assert.Equal(Convert.ToInt64(view.GetValue(1, 1)), t[1, 1].to(ScalarType.Int64).item<long>());
    }

    [Fact]
    public void Unsupported_dtypes_are_rejected_with_the_dtype_named()
    {
        var a = np.zeros(new Shape(2), NPTypeCode.UInt32);
        var error = Assert.Throws<NotSupportedException>(() => a.ToTensor());
        Assert.Contains("UInt32", error.Message);
    }
}
