using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Interop;

/// <summary>
/// Tensors print as NumPy prints the same array. Expected strings are numpy 1.24's <c>str(array)</c> for the same
/// values (Debian python3-numpy), e.g. <c>str(np.array([0.1, 0.25, 3], dtype=np.float32))</c>.
/// </summary>
public class TensorPrintingTests
{
    [Fact]
    public void Floats_use_the_shortest_digits_padded_to_a_common_width()
    {
        using var twoD = torch.tensor(new float[,] { { 0.1f, 0 }, { 0.2f, 0 } });
        Assert.Equal("[[0.1 0. ]\n [0.2 0. ]]", twoD.ToNumPyString());
        using var mixed = torch.tensor(new[] { 0.1f, 0.25f, 3f });
        Assert.Equal("[0.1  0.25 3.  ]", mixed.ToNumPyString());
        using var negative = torch.tensor(new[] { -1.5, 2, 0.125 });
        Assert.Equal("[-1.5    2.     0.125]", negative.ToNumPyString());
        using var scientific = torch.tensor(new[] { 1e-5, 1.0 });
        Assert.Equal("[1.e-05 1.e+00]", scientific.ToNumPyString());
    }

    [Fact]
    public void Integers_booleans_and_higher_ranks_print_as_numpy()
    {
        using var ints = torch.arange(6).reshape(2, 3);
        Assert.Equal("[[0 1 2]\n [3 4 5]]", ints.ToNumPyString());
        using var bools = torch.tensor(new[] { true, false });
        Assert.Equal("[ True False]", bools.ToNumPyString());
        using var cube = torch.arange(8).reshape(2, 2, 2);
        Assert.Equal("[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]", cube.ToNumPyString());
    }

    [Fact]
    public void Long_tensors_are_summarized_and_long_rows_wrap_at_75_characters()
    {
        using var many = torch.arange(2000);
        Assert.Equal("[   0    1    2 ... 1997 1998 1999]", many.ToNumPyString());
        using var sevenths = (torch.arange(30) / 7).to(ScalarType.Float32);
        Assert.Equal(
            "[0.         0.14285715 0.2857143  0.42857143 0.5714286  0.71428573\n 0.85714287 1.         1.1428572  1.2857143  1.4285715  1.5714285\n" +
            " 1.7142857  1.8571428  2.         2.142857   2.2857144  2.4285715\n 2.5714285  2.7142856  2.857143   3.         3.142857   3.2857144\n" +
            " 3.4285715  3.5714285  3.7142856  3.857143   4.         4.142857  ]", sevenths.ToNumPyString());
    }

    [Fact]
    public void TF_form_adds_shape_and_dtype()
    {
        using var v = torch.tensor(new[] { 0.1f, 0.2f });
        Assert.Equal("tf.Tensor([0.1 0.2], shape=(2,), dtype=float32)", v.ToTFString());
        using var m = torch.arange(4).reshape(2, 2);
        Assert.Equal("tf.Tensor(\n[[0 1]\n [2 3]], shape=(2, 2), dtype=int64)", m.ToTFString());
    }
}
