using static TorchSharp.torch;

namespace Pipeline.Tests.Imaging;

/// <summary>
/// <c>Image.AffineTransform</c> against TensorFlow's <c>ImageProjectiveTransformV3</c> written out pixel by pixel
/// (tensorflow/core/kernels/image/image_ops.h): the source coordinate is mapped into the image by the fill mode
/// (reflect about -0.5 and size - 0.5, or clamp, then clamp to [0, size - 1]; constant leaves it) and read bilinearly
/// from its four taps, a tap outside the image giving the fill value.
/// </summary>
public class AffineTransformTests
{
    [Theory]
    [InlineData("reflect", 0.0)]
    [InlineData("nearest", 0.0)]
    [InlineData("constant", 0.0)]
    [InlineData("constant", 0.25)]
    public void Bilinear_warps_match_tensorflows_definition_for_rotations_zooms_shifts_and_projections(string fillMode, double fillValue)
    {
        const int n = 6, h = 7, w = 9, c = 2;
        var random = new Random(11);
        var pixels = Enumerable.Range(0, n * h * w * c).Select(_ => (float)random.NextDouble()).ToArray();
        var transforms = new float[n * 8];
        for (int i = 0; i < n; i++)
        {
            // Rotation up to ±1 rad with zoom 0.5-1.5 and shifts up to ±2 image sizes (several reflections), the last
            // two images projective.
            double angle = random.NextDouble() * 2 - 1, zoom = 0.5 + random.NextDouble();
            float[] row =
            [
                (float)(zoom * Math.Cos(angle)), (float)(-zoom * Math.Sin(angle)), (float)((random.NextDouble() - 0.5) * 4 * w),
                (float)(zoom * Math.Sin(angle)), (float)(zoom * Math.Cos(angle)), (float)((random.NextDouble() - 0.5) * 4 * h),
                i >= n - 2 ? 0.01f : 0f, i >= n - 2 ? -0.02f : 0f,
            ];
            row.CopyTo(transforms, i * 8);
        }
        using var images = tensor(pixels, [n, h, w, c]);
        using var t = tensor(transforms, [n, 8]);

        using var warped = Image.AffineTransform(images, t, "bilinear", fillMode, fillValue);

        var actual = warped.contiguous().data<float>().ToArray();
        Assert.Equal([(long)n, h, w, c], warped.shape);
        for (int b = 0; b < n; b++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        var expected = TensorFlowPixel(pixels, transforms, b, y, x, ch, h, w, c, fillMode, (float)fillValue);
                        var got = actual[((b * h + y) * w + x) * c + ch];
                        Assert.True(Math.Abs(expected - got) < 1e-4, $"{fillMode} image {b} pixel ({y}, {x}, {ch}): TensorFlow's definition gives {expected}, AffineTransform {got}.");
                    }
    }

    static float TensorFlowPixel(float[] pixels, float[] t, int b, int y, int x, int ch, int h, int w, int c, string mode, float fill)
    {
        int o = b * 8;
        float k = t[o + 6] * x + t[o + 7] * y + 1f;
        float srcX = (t[o] * x + t[o + 1] * y + t[o + 2]) / k;
        float srcY = (t[o + 3] * x + t[o + 4] * y + t[o + 5]) / k;
        float mx = Map(srcX, w, mode), my = Map(srcY, h, mode);
        float Read(float yy, float xx)
        {
            int yi = (int)yy, xi = (int)xx;
            if (yy < 0 || yy >= h || xx < 0 || xx >= w) return fill;   // only reachable for "constant"
            return pixels[((b * h + yi) * w + xi) * c + ch];
        }
        float y0 = MathF.Floor(my), x0 = MathF.Floor(mx), y1 = y0 + 1, x1 = x0 + 1;
        float top = (x1 - mx) * Read(y0, x0) + (mx - x0) * Read(y0, x1);
        float bottom = (x1 - mx) * Read(y1, x0) + (mx - x0) * Read(y1, x1);
        return (y1 - my) * top + (my - y0) * bottom;
    }

    /// <summary>TensorFlow's MapCoordinate for one axis.</summary>
    static float Map(float coordinate, int size, string mode)
    {
        if (mode == "constant") return coordinate;
        float v = coordinate;
        if (mode == "reflect")
        {
            int period = 2 * size;
            if (v < 0)
            {
                v += period * (int)(-v / period);
                v = v < -size ? v + period : -v - 1;
            }
            else if (v > size - 1)
            {
                v -= period * (int)(v / period);
                if (v >= size) v = period - v - 1;
            }
        }
        return Math.Clamp(v, 0f, size - 1);
    }
}
