using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>The argument checks and transform call RandomRotation, RandomZoom and RandomTranslation share.</summary>
static class GeometricAugmentation
{
    internal static void Check(string layer, string fillMode, string interpolation)
    {
        if (!Image.FillModes.Contains(fillMode))
            throw new ArgumentException($"{layer}: unknown fillMode \"{fillMode}\"; expected one of {string.Join(", ", Image.FillModes)}.", nameof(fillMode));
        if (interpolation is not ("bilinear" or "nearest"))
            throw new ArgumentException($"{layer}: unknown interpolation \"{interpolation}\"; expected \"bilinear\" or \"nearest\".", nameof(interpolation));
    }

    /// <summary>Builds one transform per image from (batch, 8) rows and applies it, keeping the input's dtype for float inputs.</summary>
    internal static Tensor Apply(Tensor x, Tensor transforms, string interpolation, string fillMode, double fillValue)
    {
        var result = Image.AffineTransform(x, transforms, interpolation, fillMode, fillValue);
        if (x.dtype == ScalarType.Float32 || !x.is_floating_point()) return result;
        using (result) return result.to_type(x.dtype);
    }
}
