using static TorchSharp.torch;

namespace Pipeline.Models.Tests.ApplicationModels;

/// <summary>The two image recipes the MobileNet fixtures' PROVENANCE files describe, written with the library's image ops.</summary>
internal static class FixtureImages
{
    /// <summary>The cats-vs-dogs photos of shared/fixtures.</summary>
    public static string CatsVsDogs(params string[] parts) => RepositoryPaths.Fixture(["cats-vs-dogs", .. parts]);

    /// <summary>
    /// The cat/dog model's letterbox: resize keeping the aspect ratio (bicubic, antialiased like PIL's downscaling), centre
    /// on grey 128, round to 0..255 as PIL's uint8 image does. ResizeWithPad pads with zeros, so the image is shifted by
    /// -128 around it, which makes the padding grey; resizing is linear, so the shift changes nothing else.
    /// </summary>
    public static Tensor Letterbox(string path, int size = 224)
    {
        using var scope = NewDisposeScope();
        var pixels = Image.DecodeJpeg(File.ReadAllBytes(path), channels: 3).to_type(ScalarType.Float32);
        var boxed = Image.ResizeWithPad(pixels - 128f, size, size, method: "bicubic", antialias: true) + 128f;
        return boxed.clamp(0, 255).round().MoveToOuterDisposeScope();
    }

    /// <summary>The ImageNet-features reference's recipe: PIL bilinear (antialiased) resize to a square, rounded to uint8.</summary>
    public static Tensor Squashed(string path, int size = 224)
    {
        using var scope = NewDisposeScope();
        var pixels = Image.DecodeJpeg(File.ReadAllBytes(path), channels: 3).to_type(ScalarType.Float32);
        return Image.Resize(pixels, size, size, method: "bilinear", antialias: true).clamp(0, 255).round().MoveToOuterDisposeScope();
    }

    /// <summary>Stacks preprocessed images into one (n, size, size, 3) batch, MobileNet's "tf" mode applied.</summary>
    public static Tensor Batch(IEnumerable<string> paths, Func<string, Tensor> load)
    {
        using var scope = NewDisposeScope();
        var images = paths.Select(load).ToArray();
        using var stacked = stack(images);
        return Applications.PreprocessInput(stacked, mode: "tf").MoveToOuterDisposeScope();
    }
}
