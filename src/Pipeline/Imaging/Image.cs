using StbImageSharp;
using StbImageWriteSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

/// <summary>
/// <c>tf.image</c>'s codecs: decode JPEG/PNG/BMP/GIF bytes into a uint8 tensor of shape (height, width, channels)
/// and encode such a tensor back to JPEG or PNG. Thread-safe; use inside <c>Map</c>.
/// </summary>
public static class Image
{
    /// <summary>
    /// <c>tf.io.decode_image</c>: decodes a JPEG, PNG, BMP, GIF (first frame), TGA or PSD image.
    /// </summary>
    /// <param name="contents">The encoded file.</param>
    /// <param name="channels">0 keeps the file's channels; 1 (grayscale), 3 (RGB) or 4 (RGBA) converts.</param>
    /// <returns>A new uint8 tensor of shape (height, width, channels).</returns>
    /// <exception cref="InvalidDataException">The bytes are not an image this decoder reads.</exception>
    public static Tensor DecodeImage(byte[] contents, int channels = 0)
    {
        ArgumentNullException.ThrowIfNull(contents);
        return Decode(contents, channels, "DecodeImage");
    }

    /// <summary><see cref="DecodeImage(byte[], int)"/> for a span (copied once for the decoder).</summary>
    /// <param name="contents">The encoded file.</param>
    /// <param name="channels">0 keeps the file's channels; 1, 3 or 4 converts.</param>
    public static Tensor DecodeImage(ReadOnlySpan<byte> contents, int channels = 0) => Decode(contents.ToArray(), channels, "DecodeImage");

    /// <summary><c>tf.io.decode_jpeg</c>: like <see cref="DecodeImage(byte[], int)"/> but only accepts JPEG.</summary>
    /// <param name="contents">The JPEG file.</param>
    /// <param name="channels">0 keeps the file's channels; 1, 3 or 4 converts.</param>
    public static Tensor DecodeJpeg(byte[] contents, int channels = 0)
    {
        ArgumentNullException.ThrowIfNull(contents);
        RequireFormat(contents, IsJpeg, "DecodeJpeg", "JPEG");
        return Decode(contents, channels, "DecodeJpeg");
    }

    /// <summary><see cref="DecodeJpeg(byte[], int)"/> for a span.</summary>
    /// <param name="contents">The JPEG file.</param>
    /// <param name="channels">0 keeps the file's channels; 1, 3 or 4 converts.</param>
    public static Tensor DecodeJpeg(ReadOnlySpan<byte> contents, int channels = 0) => DecodeJpeg(contents.ToArray(), channels);

    /// <summary><c>tf.io.decode_png</c>: like <see cref="DecodeImage(byte[], int)"/> but only accepts PNG.</summary>
    /// <param name="contents">The PNG file.</param>
    /// <param name="channels">0 keeps the file's channels; 1, 3 or 4 converts.</param>
    public static Tensor DecodePng(byte[] contents, int channels = 0)
    {
        ArgumentNullException.ThrowIfNull(contents);
        RequireFormat(contents, IsPng, "DecodePng", "PNG");
        return Decode(contents, channels, "DecodePng");
    }

    /// <summary><see cref="DecodePng(byte[], int)"/> for a span.</summary>
    /// <param name="contents">The PNG file.</param>
    /// <param name="channels">0 keeps the file's channels; 1, 3 or 4 converts.</param>
    public static Tensor DecodePng(ReadOnlySpan<byte> contents, int channels = 0) => DecodePng(contents.ToArray(), channels);

    /// <summary><c>tf.io.encode_jpeg</c>: encodes a uint8 (height, width, channels) tensor with 1, 3 or 4 channels (alpha is dropped by JPEG).</summary>
    /// <param name="image">The image.</param>
    /// <param name="quality">1..100, like TF's default 95.</param>
    public static byte[] EncodeJpeg(Tensor image, int quality = 95)
    {
        if (quality is < 1 or > 100)
            throw new ArgumentOutOfRangeException(nameof(quality), quality, $"EncodeJpeg: quality must be in 1..100, but was {quality}.");
        return Encode(image, "EncodeJpeg", (data, w, h, comp, stream) => new ImageWriter().WriteJpg(data, w, h, comp, stream, quality));
    }

    /// <summary><c>tf.io.encode_png</c>: encodes a uint8 (height, width, channels) tensor with 1 to 4 channels, losslessly.</summary>
    /// <param name="image">The image.</param>
    public static byte[] EncodePng(Tensor image) =>
        Encode(image, "EncodePng", (data, w, h, comp, stream) => new ImageWriter().WritePng(data, w, h, comp, stream));

    static Tensor Decode(byte[] contents, int channels, string operation)
    {
        var components = channels switch
        {
            0 => StbImageSharp.ColorComponents.Default,
            1 => StbImageSharp.ColorComponents.Grey,
            3 => StbImageSharp.ColorComponents.RedGreenBlue,
            4 => StbImageSharp.ColorComponents.RedGreenBlueAlpha,
            _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, $"{operation}: channels must be 0, 1, 3 or 4, but was {channels}."),
        };
        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(contents, components);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{operation}: cannot decode {contents.Length} bytes {Signature(contents)} as an image: {e.Message}", e);
        }
        var c = (int)result.Comp;
        if (channels == 0) c = result.SourceComp switch
        {
            StbImageSharp.ColorComponents.Grey => 1,
            StbImageSharp.ColorComponents.GreyAlpha => 2,
            StbImageSharp.ColorComponents.RedGreenBlue => 3,
            _ => 4,
        };
        var tensor = torch.empty([result.Height, result.Width, c], ScalarType.Byte);
        result.Data.AsSpan(0, result.Height * result.Width * c).CopyTo(tensor.bytes);
        return tensor;
    }

    static byte[] Encode(Tensor image, string operation, Action<byte[], int, int, StbImageWriteSharp.ColorComponents, Stream> write)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() != 3 || image.shape[2] is < 1 or > 4)
            throw new ArgumentException($"{operation}: expected an image of shape (height, width, channels) with 1 to 4 channels, but got shape [{string.Join(", ", image.shape)}].", nameof(image));
        if (image.dtype != ScalarType.Byte)
            throw new ArgumentException($"{operation}: expected a uint8 image, but got {image.dtype}; convert with image.to(torch.uint8) (after scaling to 0..255).", nameof(image));
        var h = (int)image.shape[0];
        var w = (int)image.shape[1];
        var comp = (StbImageWriteSharp.ColorComponents)(int)image.shape[2];
        byte[] data;
        var cpu = image.device_type == DeviceType.CPU ? image : image.cpu();
        using (var contiguous = cpu.contiguous()) data = contiguous.bytes.ToArray();
        if (!ReferenceEquals(cpu, image)) cpu.Dispose();
        using var stream = new MemoryStream();
        write(data, w, h, comp, stream);
        return stream.ToArray();
    }

    static bool IsJpeg(byte[] b) => b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;

    static bool IsPng(byte[] b) => b.Length >= 8 && b[0] == 0x89 && b[1] == (byte)'P' && b[2] == (byte)'N' && b[3] == (byte)'G';

    static void RequireFormat(byte[] contents, Func<byte[], bool> check, string operation, string format)
    {
        if (!check(contents))
            throw new InvalidDataException($"{operation}: the {contents.Length} bytes {Signature(contents)} are not a {format} file; use Image.DecodeImage to accept any supported format.");
    }

    static string Signature(byte[] b) => b.Length == 0 ? "(empty)" : "(starting " + Convert.ToHexString(b, 0, Math.Min(8, b.Length)) + ")";
}
