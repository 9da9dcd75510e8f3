using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Imaging;

public class ImageTests
{
    static string Photo(string name = "cat.1.jpg") => RepositoryPaths.Fixture("cats-vs-dogs", "train", "cats", name);

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

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void DecodePng_keeps_the_files_channels_when_channels_is_0(int channels)
    {
        using var image = torch.randint(0, 256, [4, 6, channels], dtype: ScalarType.Byte);
        if (channels == 4) image[.., .., 3] = torch.tensor((byte)200);   // partly transparent, so the file keeps alpha
        using var decoded = Image.DecodePng(Image.EncodePng(image));
        Assert.Equal([4L, 6, channels], decoded.shape);
        Assert.True(decoded.eq(image).all().item<bool>());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 5)]     // fewer pixels than one vector step needs
    [InlineData(3, 7)]     // 21 pixels: vector steps, then a scalar tail
    [InlineData(17, 13)]
    public void Asking_for_3_channels_of_an_rgba_file_keeps_red_green_and_blue_of_every_pixel(int height, int width)
    {
        using var image = torch.randint(0, 256, [height, width, 4], dtype: ScalarType.Byte);
        image[.., .., 3] = torch.tensor((byte)200);
        using var rgb = Image.DecodePng(Image.EncodePng(image), channels: 3);
        Assert.Equal([(long)height, width, 3], rgb.shape);
        using var expected = image[.., .., ..3];
        Assert.True(rgb.eq(expected).all().item<bool>());
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
    public void A_real_photo_decodes_to_the_size_its_manifest_gives()
    {
        // MANIFEST.tsv: train/cats/cat.1.jpg is 300 wide, 280 high, RGB.
        var bytes = File.ReadAllBytes(Photo());
        using var image = Image.DecodeJpeg(bytes);
        Assert.Equal([280L, 300, 3], image.shape);
        Assert.Equal((280, 300, 3), Image.ReadShape(bytes));
    }

    [Fact]
    public void Decoding_from_a_slice_of_a_larger_buffer_reads_only_the_slice()
    {
        var file = File.ReadAllBytes(Photo());
        var buffer = new byte[file.Length + 100];
        file.CopyTo(buffer, 50);
        using var fromSpan = Image.DecodeImage(buffer.AsSpan(50, file.Length));
        using var fromArray = Image.DecodeImage(file);
        Assert.True(fromSpan.eq(fromArray).all().item<bool>());
    }

    [Fact]
    public void Float_dtype_scales_to_0_1_as_convert_image_dtype()
    {
        var bytes = File.ReadAllBytes(Photo());
        using var bytesImage = Image.DecodeImage(bytes);
        using var floats = Image.DecodeImage(bytes, dtype: ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, floats.dtype);
        using var expected = bytesImage.to(ScalarType.Float32) / 255;
        Assert.True(floats.allclose(expected, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Grayscale_conversion_gives_one_channel_close_to_tf_weights()
    {
        var bytes = File.ReadAllBytes(Photo());
        using var rgb = Image.DecodeImage(bytes, channels: 3).to(ScalarType.Float32);
        using var gray = Image.DecodeImage(bytes, channels: 1).to(ScalarType.Float32);
        Assert.Equal([280L, 300, 1], gray.shape);
        using var luma = rgb[.., .., 0] * 0.299 + rgb[.., .., 1] * 0.587 + rgb[.., .., 2] * 0.114;
        using var diff = (gray.squeeze(-1) - luma).abs().mean();
        Assert.True(diff.item<float>() < 2, $"mean difference from the luma weights {diff.item<float>()}");
    }

    [Fact]
    public void DecodeJpeg_rejects_a_png_naming_both_formats()
    {
        using var image = torch.zeros([2, 2, 1], dtype: ScalarType.Byte);
        var png = Image.EncodePng(image);
        var error = Assert.Throws<InvalidDataException>(() => Image.DecodeJpeg(png));
        Assert.Contains("not a JPEG", error.Message);
        Assert.Contains("PNG", error.Message);
    }

    [Fact]
    public void DecodeImage_of_garbage_says_how_many_bytes_and_that_the_format_is_unknown()
    {
        var error = Assert.Throws<InvalidDataException>(() => Image.DecodeImage(new byte[] { 1, 2, 3, 4 }));
        Assert.Contains("4 bytes", error.Message);
        Assert.Contains("not a JPEG, PNG, BMP, GIF or WebP", error.Message);
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => Image.DecodeImage(Array.Empty<byte>())).Message);
    }

    [Fact]
    public void A_truncated_png_is_reported_as_truncated()
    {
        // Issue 11 item 8: this used to end in ": " and blanks.
        using var image = torch.randint(0, 256, [64, 64, 3], dtype: ScalarType.Byte);
        var png = Image.EncodePng(image);
        var error = Assert.Throws<InvalidDataException>(() => Image.DecodePng(png.AsSpan(0, png.Length / 2)));
        Assert.Contains("truncated", error.Message);
        Assert.Contains($"{png.Length / 2}", error.Message);
    }

    [Fact]
    public void Every_cut_of_a_jpeg_is_rejected_with_a_reason_and_never_hangs()
    {
        // The stb port we used before looped forever on this photo cut after 10 bytes.
        var jpeg = File.ReadAllBytes(Photo());
        for (int cut = 0; cut < jpeg.Length - 2; cut += 97)
        {
            var error = Assert.Throws<InvalidDataException>(() => Image.DecodeJpeg(jpeg.AsSpan(0, cut)).Dispose());
            Assert.False(string.IsNullOrWhiteSpace(error.Message[(error.Message.LastIndexOf(':') + 1)..]), $"cut {cut}: '{error.Message}'");
        }
    }

    [Fact]
    public void Bmp_and_gif_decode_like_tf_io()
    {
        // A 2x3 24-bit BMP written by hand (rows bottom-up, BGR, padded to 4 bytes).
        byte[] bmp = MakeBmp([[(255, 0, 0), (0, 255, 0), (0, 0, 255)], [(10, 20, 30), (40, 50, 60), (70, 80, 90)]]);
        using var decoded = Image.DecodeBmp(bmp);
        Assert.Equal([2L, 3, 3], decoded.shape);
        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90 }, decoded.bytes.ToArray());

        using var gif = Image.DecodeGif(OnePixelGif);
        Assert.Equal([1L, 1, 1, 3], gif.shape);   // (frames, height, width, 3)
        Assert.Equal(new byte[] { 255, 0, 0 }, gif.bytes.ToArray());
        using var first = Image.DecodeImage(OnePixelGif, expandAnimations: false);
        Assert.Equal([1L, 1, 3], first.shape);
    }

    // GIF89a, 1x1, global palette [red, black], one image with LZW min code size 2 coding index 0.
    static readonly byte[] OnePixelGif =
    [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
        0xFF, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
        0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    static byte[] MakeBmp((byte R, byte G, byte B)[][] rows)
    {
        int h = rows.Length, w = rows[0].Length, stride = (w * 3 + 3) & ~3;
        using var ms = new MemoryStream();
        using var bw = new BinaryWriter(ms);
        bw.Write((byte)'B'); bw.Write((byte)'M'); bw.Write(54 + stride * h); bw.Write(0); bw.Write(54);
        bw.Write(40); bw.Write(w); bw.Write(h); bw.Write((short)1); bw.Write((short)24); bw.Write(0); bw.Write(stride * h);
        bw.Write(2835); bw.Write(2835); bw.Write(0); bw.Write(0);
        for (int y = h - 1; y >= 0; y--)
        {
            foreach (var (r, g, b) in rows[y]) { bw.Write(b); bw.Write(g); bw.Write(r); }
            for (int p = w * 3; p < stride; p++) bw.Write((byte)0);
        }
        bw.Flush();
        return ms.ToArray();
    }
}
