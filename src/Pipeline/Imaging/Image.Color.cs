using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

// tf.image's colour and value operations. Like TensorFlow, each converts an integer image to float in [0, 1] with
// convert_image_dtype, works in float, and converts back to the input's dtype (saturating), so uint8 in gives uint8 out.
public static partial class Image
{
    /// <summary>
    /// <c>tf.image.convert_image_dtype</c>: uint8 0-255 to float 0-1 (divide by 255); float to uint8 by multiplying by
    /// 255.5 and truncating, saturated to 0-255; float to float is a cast.
    /// </summary>
    /// <param name="image">Any shape.</param>
    /// <param name="dtype">uint8 or a floating type.</param>
    public static Tensor ConvertImageDtype(Tensor image, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(image);
        bool fromFloat = image.is_floating_point(), toFloat = IsFloat(dtype);
        if (!fromFloat && image.dtype != ScalarType.Byte || !toFloat && dtype != ScalarType.Byte)
            throw new ArgumentException($"ConvertImageDtype: converts between uint8 and floating types, but got {image.dtype} to {dtype}.", nameof(dtype));
        if (image.dtype == dtype) return image.alias();
        if (fromFloat && toFloat) return image.to_type(dtype);
        if (toFloat)
        {
            using var f = image.to_type(dtype);
            using var inv = (1.0 / 255).ToScalar();
            return f.mul(inv);
        }
        using var scale = 255.5.ToScalar();
        using var zero = 0.ToScalar();
        using var max = 255.ToScalar();
        using var scaled = image.mul(scale);
        scaled.clamp_(zero, max);
        return scaled.to_type(ScalarType.Byte);
    }

    /// <summary><c>tf.image.adjust_brightness</c>: adds <paramref name="delta"/> (on the 0-1 scale) to every value.</summary>
    /// <param name="image">Any shape; uint8 or float.</param>
    /// <param name="delta">Added to the float image.</param>
    public static Tensor AdjustBrightness(Tensor image, double delta) => InFloat(image, f =>
    {
        using var d = delta.ToScalar();
        return f.add(d, S.One);
    });

    /// <summary><c>tf.image.adjust_contrast</c>: per image and channel, <c>(x - mean) * factor + mean</c> with the mean over height and width.</summary>
    /// <param name="images">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="contrastFactor">1 keeps the image; 0 makes it flat.</param>
    public static Tensor AdjustContrast(Tensor images, double contrastFactor) => Batched(images, "AdjustContrast", x => InFloat(x, f =>
    {
        using var mean = f.mean([1, 2], keepdim: true);
        using var factor = contrastFactor.ToScalar();
        var centred = f.sub(mean);
        return centred.mul_(factor).add_(mean);   // in place: returns centred itself
    }));

    /// <summary><c>tf.image.adjust_saturation</c>: multiplies the HSV saturation by <paramref name="saturationFactor"/>, clipped to [0, 1].</summary>
    /// <param name="image">RGB, (..., 3).</param>
    /// <param name="saturationFactor">Multiplier; 0 gives grey.</param>
    public static Tensor AdjustSaturation(Tensor image, double saturationFactor) => InFloat(RequireRgb(image, "AdjustSaturation"), f =>
    {
        using var hsv = RgbToHsv(f);
        using var factor = saturationFactor.ToScalar();
        using var zero = 0.ToScalar();
        using var one = 1.ToScalar();
        hsv[TensorIndex.Ellipsis, 1].mul_(factor).clamp_(zero, one);
        return HsvToRgb(hsv);
    });

    /// <summary><c>tf.image.adjust_hue</c>: rotates the HSV hue by <paramref name="delta"/> (in turns, [-1, 1]).</summary>
    /// <param name="image">RGB, (..., 3).</param>
    /// <param name="delta">Hue shift; 0.5 is the opposite colour.</param>
    public static Tensor AdjustHue(Tensor image, double delta)
    {
        if (delta is < -1 or > 1) throw new ArgumentOutOfRangeException(nameof(delta), delta, $"AdjustHue: delta must be in [-1, 1], but was {delta}.");
        return InFloat(RequireRgb(image, "AdjustHue"), f =>
        {
            using var hsv = RgbToHsv(f);
            using var d = delta.ToScalar();
            using var one = 1.ToScalar();
            var hue = hsv[TensorIndex.Ellipsis, 0];
            hue.add_(d, S.One).remainder_(one);   // floor-mod: negative shifts wrap into [0, 1)
            return HsvToRgb(hsv);
        });
    }

    /// <summary><c>tf.image.adjust_gamma</c>: <c>gain * x^gamma</c> on the 0-1 scale (uint8 results are truncated, as TF casts).</summary>
    /// <param name="image">Any shape; uint8 or float.</param>
    /// <param name="gamma">Non-negative exponent.</param>
    /// <param name="gain">Multiplier.</param>
    public static Tensor AdjustGamma(Tensor image, double gamma = 1, double gain = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (gamma < 0) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"AdjustGamma: gamma must be non-negative, but was {gamma}.");
        using var g = gamma.ToScalar();
        using var k = gain.ToScalar();
        if (image.is_floating_point())
        {
            using var p = image.pow(g);
            return p.mul(k);
        }
        RequireUint8(image, "AdjustGamma");
        using var scope = NewDisposeScope();
        using var s = 255.ToScalar();
        using var zero = 0.ToScalar();
        var result = image.to_type(ScalarType.Float32).div(s).pow_(g).mul_(s).mul_(k).clamp_(zero, s).to_type(ScalarType.Byte);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>tf.image.per_image_standardization</c>: per image, <c>(x - mean) / max(stddev, 1 / sqrt(pixels * channels))</c>
    /// over height, width and channels (population standard deviation); float32 out.
    /// </summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    public static Tensor PerImageStandardization(Tensor image) => Batched(image, "PerImageStandardization", x =>
    {
        using var scope = NewDisposeScope();
        var f = x.to_type(ScalarType.Float32);
        long n = x.shape[1] * x.shape[2] * x.shape[3];
        var mean = f.mean([1, 2, 3], keepdim: true);
        var std = f.std([1, 2, 3], unbiased: false, keepdim: true);
        using var floor = (1.0 / Math.Sqrt(n)).ToScalar();
        var adjusted = std.clamp_min(floor);
        return f.sub(mean).div_(adjusted).MoveToOuterDisposeScope();
    });

    /// <summary><c>tf.image.rgb_to_grayscale</c>: <c>0.2989 R + 0.5870 G + 0.1140 B</c>, keeping a channel axis of 1.</summary>
    /// <param name="images">RGB, (..., 3); uint8 or float.</param>
    public static Tensor RgbToGrayscale(Tensor images) => InFloat(RequireRgb(images, "RgbToGrayscale"), f =>
    {
        using var weights = tensor(new float[] { 0.2989f, 0.5870f, 0.1140f }, device: f.device).to_type(f.dtype);
        using var product = f.mul(weights);
        return product.sum(-1, keepdim: true);
    });

    /// <summary><c>tf.image.grayscale_to_rgb</c>: repeats the single channel three times.</summary>
    /// <param name="images">(..., 1).</param>
    public static Tensor GrayscaleToRgb(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() < 2 || images.shape[^1] != 1)
            throw new ArgumentException($"GrayscaleToRgb: expected a last axis of 1 channel, but got shape [{string.Join(", ", images.shape)}].", nameof(images));
        return images.expand([.. images.shape[..^1], 3]).contiguous();
    }

    /// <summary><c>tf.image.rgb_to_hsv</c>: float RGB in [0, 1] to hue, saturation, value in [0, 1].</summary>
    /// <param name="images">Float RGB, (..., 3).</param>
    public static Tensor RgbToHsv(Tensor images)
    {
        RequireRgb(images, "RgbToHsv");
        RequireFloat(images, "RgbToHsv");
        using var scope = NewDisposeScope();
        var r = images[TensorIndex.Ellipsis, 0];
        var g = images[TensorIndex.Ellipsis, 1];
        var b = images[TensorIndex.Ellipsis, 2];
        var value = images.amax(-1);
        var range = value - images.amin(-1);
        var zero = zeros_like(value);
        var saturation = where(value.gt(zero), range / where(value.gt(zero), value, ones_like(value)), zero);
        var safeRange = where(range.gt(zero), range, ones_like(range));
        // TF's order of precedence: red is the max, else green, else blue.
        var hue = where(r.eq(value), (g - b) / safeRange,
                  where(g.eq(value), ((b - r) / safeRange).add_(S.Two, S.One), ((r - g) / safeRange).add_(S.Four, S.One))).div_(S.Six);
        hue = where(hue.lt(zero), hue.add(S.One, S.One), hue);
        hue = where(range.gt(zero), hue, zero);
        return stack([hue, saturation, value], -1).MoveToOuterDisposeScope();
    }

    /// <summary><c>tf.image.hsv_to_rgb</c>: the inverse of <see cref="RgbToHsv"/>.</summary>
    /// <param name="images">Float HSV, (..., 3).</param>
    public static Tensor HsvToRgb(Tensor images)
    {
        RequireRgb(images, "HsvToRgb");
        RequireFloat(images, "HsvToRgb");
        using var scope = NewDisposeScope();
        var h = images[TensorIndex.Ellipsis, 0].mul(S.Six);
        var s = images[TensorIndex.Ellipsis, 1];
        var v = images[TensorIndex.Ellipsis, 2];
        var dr = h.sub(S.Three).abs_().sub_(S.One).clamp_(S.Zero, S.One);
        var dg = h.sub(S.Two).abs_().neg_().add_(S.Two, S.One).clamp_(S.Zero, S.One);
        var db = h.sub(S.Four).abs_().neg_().add_(S.Two, S.One).clamp_(S.Zero, S.One);
        var oneMinusS = s.neg().add_(S.One, S.One);
        return stack([v * (oneMinusS + s * dr), v * (oneMinusS + s * dg), v * (oneMinusS + s * db)], -1).MoveToOuterDisposeScope();
    }

    /// <summary><c>tf.image.random_brightness</c>: <see cref="AdjustBrightness"/> by one delta drawn from [-maxDelta, maxDelta).</summary>
    /// <param name="image">Any shape; uint8 or float.</param>
    /// <param name="maxDelta">Non-negative bound.</param>
    /// <param name="generator">Random source; null uses libtorch's default.</param>
    [RandomOp]
    public static Tensor RandomBrightness(Tensor image, double maxDelta, Generator? generator = null)
    {
        if (maxDelta < 0) throw new ArgumentOutOfRangeException(nameof(maxDelta), maxDelta, $"RandomBrightness: maxDelta must be non-negative, but was {maxDelta}.");
        return AdjustBrightness(image, Uniform(-maxDelta, maxDelta, generator));
    }

    /// <summary><c>tf.image.random_contrast</c>: <see cref="AdjustContrast"/> by one factor drawn from [lower, upper).</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="lower">Lower bound, non-negative.</param>
    /// <param name="upper">Upper bound, above <paramref name="lower"/>.</param>
    /// <param name="generator">Random source; null uses libtorch's default.</param>
    [RandomOp]
    public static Tensor RandomContrast(Tensor image, double lower, double upper, Generator? generator = null)
    {
        CheckRange(lower, upper, "RandomContrast");
        return AdjustContrast(image, Uniform(lower, upper, generator));
    }

    /// <summary><c>tf.image.random_saturation</c>: <see cref="AdjustSaturation"/> by one factor drawn from [lower, upper).</summary>
    /// <param name="image">RGB, (..., 3).</param>
    /// <param name="lower">Lower bound, non-negative.</param>
    /// <param name="upper">Upper bound, above <paramref name="lower"/>.</param>
    /// <param name="generator">Random source; null uses libtorch's default.</param>
    [RandomOp]
    public static Tensor RandomSaturation(Tensor image, double lower, double upper, Generator? generator = null)
    {
        CheckRange(lower, upper, "RandomSaturation");
        return AdjustSaturation(image, Uniform(lower, upper, generator));
    }

    /// <summary><c>tf.image.random_hue</c>: <see cref="AdjustHue"/> by one delta drawn from [-maxDelta, maxDelta).</summary>
    /// <param name="image">RGB, (..., 3).</param>
    /// <param name="maxDelta">In [0, 0.5].</param>
    /// <param name="generator">Random source; null uses libtorch's default.</param>
    [RandomOp]
    public static Tensor RandomHue(Tensor image, double maxDelta, Generator? generator = null)
    {
        if (maxDelta is < 0 or > 0.5) throw new ArgumentOutOfRangeException(nameof(maxDelta), maxDelta, $"RandomHue: maxDelta must be in [0, 0.5], but was {maxDelta}.");
        return AdjustHue(image, Uniform(-maxDelta, maxDelta, generator));
    }

    /// <summary><c>tf.image.stateless_random_brightness</c>: <see cref="RandomBrightness"/> fully determined by <paramref name="seed"/>.</summary>
    /// <param name="image">Any shape; uint8 or float.</param>
    /// <param name="maxDelta">Non-negative bound.</param>
    /// <param name="seed">Two integers; the same seed gives the same delta.</param>
    public static Tensor StatelessRandomBrightness(Tensor image, double maxDelta, (long, long) seed)
    {
        using var g = Stateless(seed);
        return RandomBrightness(image, maxDelta, g);
    }

    /// <summary><c>tf.image.stateless_random_contrast</c>: <see cref="RandomContrast"/> fully determined by <paramref name="seed"/>.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="lower">Lower bound.</param>
    /// <param name="upper">Upper bound.</param>
    /// <param name="seed">Two integers; the same seed gives the same factor.</param>
    public static Tensor StatelessRandomContrast(Tensor image, double lower, double upper, (long, long) seed)
    {
        using var g = Stateless(seed);
        return RandomContrast(image, lower, upper, g);
    }

    static double Uniform(double low, double high, Generator? generator)
    {
        using var u = rand([1], dtype: ScalarType.Float64, generator: generator);
        return low + (high - low) * u.item<double>();
    }

    static void CheckRange(double lower, double upper, string operation)
    {
        if (lower < 0 || upper <= lower)
            throw new ArgumentOutOfRangeException(nameof(lower), $"{operation}: needs 0 <= lower < upper, but got lower={lower}, upper={upper}.");
    }

    /// <summary>Runs <paramref name="body"/> on the image as float (0-1 for uint8) and converts back to the input's dtype.</summary>
    static Tensor InFloat(Tensor image, Func<Tensor, Tensor> body)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.is_floating_point()) return body(image);
        RequireUint8(image, "image operation");
        using var f = ConvertImageDtype(image, ScalarType.Float32);
        using var result = body(f);
        return ConvertImageDtype(result, ScalarType.Byte);
    }

    /// <summary>Scalars held for the process's lifetime: a temporary Scalar may be finalized during a native call.</summary>
    static class S
    {
        internal static readonly Scalar Zero = 0.ToScalar(), One = 1.ToScalar(), Two = 2.ToScalar(), Three = 3.ToScalar(), Four = 4.ToScalar(), Six = 6.ToScalar();
    }

    static bool IsFloat(ScalarType t) => t is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;

    static Tensor RequireRgb(Tensor image, string operation)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() < 1 || image.shape[^1] != 3)
            throw new ArgumentException($"{operation}: expected RGB images with a last axis of 3 channels, but got shape [{string.Join(", ", image.shape)}].", nameof(image));
        return image;
    }

    static void RequireFloat(Tensor image, string operation)
    {
        if (!image.is_floating_point())
            throw new ArgumentException($"{operation}: expected a floating-point image in [0, 1], but got {image.dtype}; convert with Image.ConvertImageDtype.", nameof(image));
    }

    static void RequireUint8(Tensor image, string operation)
    {
        if (image.dtype != ScalarType.Byte)
            throw new ArgumentException($"{operation}: expected uint8 or a floating type, but got {image.dtype}.", nameof(image));
    }
}
