using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Imaging;

public class ImageTests
{
    [Fact]
    public void EncodePng_then_DecodePng_gives_back_the_same_pixels()
    {
        using var image = torch.randint(0, 256, [5, 7, 3], dtype: ScalarType.Byte);
        var png = Image.EncodePng(image);
        using var decoded = Image.DecodePng(png);
        Assert.Equal([5L, 7, 3], decoded.shape);
        Assert.Equal(ScalarType.Byte, decoded.dtype);
        Assert.True(decoded.eq(image).all().item<bool>());
    }

    [Fact]
    public void EncodeJpeg_then_DecodeImage_gives_a_close_image()
    {
        using var image = torch.full([16, 16, 3], 128, dtype: ScalarType.Byte);
        var jpeg = Image.EncodeJpeg(image, quality: 90);
        using var decoded = Image.DecodeImage(jpeg);
        Assert.Equal([16L, 16, 3], decoded.shape);
        using var diff = (decoded.to(ScalarType.Int32) - 128).abs().max();
        Assert.True(diff.item<int>() <= 3);
    }

    [Fact]
    public void DecodeJpeg_rejects_a_png_naming_the_format()
    {
        using var image = torch.zeros([2, 2, 1], dtype: ScalarType.Byte);
        var png = Image.EncodePng(image);
        var error = Assert.Throws<InvalidDataException>(() => Image.DecodeJpeg(png));
        Assert.Contains("not a JPEG", error.Message);
    }

    [Fact]
    public void DecodeImage_of_garbage_says_how_many_bytes_it_could_not_read()
    {
        var error = Assert.Throws<InvalidDataException>(() => Image.DecodeImage(new byte[] { 1, 2, 3, 4 }));
        Assert.Contains("4 bytes", error.Message);
    }

    [Fact]
    public void DecodeImage_can_convert_to_grayscale()
    {
        using var image = torch.full([3, 3, 3], 200, dtype: ScalarType.Byte);
        using var gray = Image.DecodeImage(Image.EncodePng(image), channels: 1);
        Assert.Equal([3L, 3, 1], gray.shape);
    }
}
