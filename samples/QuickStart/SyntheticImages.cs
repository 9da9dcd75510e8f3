/// <summary>
/// The QuickStart's built-in data: a deterministic, CIFAR-shaped (32x32 RGB, 10 classes) set of drawn shapes and
/// textures on noisy backgrounds. Class decides the pattern (circle, square, triangle, stripes, ...) and biases the
/// hue; position, size, colours, phase and noise vary per image, so a CNN has to learn shape, not memorise pixels.
/// </summary>
internal static class SyntheticImages
{
    public const int Size = 32;
    public const int Classes = 10;

    public static readonly string[] ClassNames =
        ["circle", "square", "triangle", "h_stripes", "v_stripes", "checker", "cross", "diagonal", "ring", "dots"];

    /// <summary>Generates <paramref name="count"/> images (uint8, N x 32 x 32 x 3, channels-last) and labels, the same for the same seed.</summary>
    public static (byte[] Pixels, long[] Labels) Generate(int count, int seed)
    {
        var pixels = new byte[count * Size * Size * 3];
        var labels = new long[count];
        // Each image draws from its own generator so the set is identical however it is parallelised.
        Parallel.For(0, count, i =>
        {
            var rng = new Random(HashCode.Combine(seed, i));
            int label = i % Classes;
            labels[i] = label;
            Draw(pixels.AsSpan(i * Size * Size * 3, Size * Size * 3), label, rng);
        });
        return (pixels, labels);
    }

    static void Draw(Span<byte> image, int label, Random rng)
    {
        var background = Hsv(rng.NextDouble() * 360, 0.2 + 0.4 * rng.NextDouble(), 0.15 + 0.35 * rng.NextDouble());
        double hue = label * 36 + (rng.NextDouble() - 0.5) * 80;
        var foreground = Hsv(hue, 0.5 + 0.5 * rng.NextDouble(), 0.65 + 0.35 * rng.NextDouble());

        double cx = 10 + rng.NextDouble() * 12, cy = 10 + rng.NextDouble() * 12;
        double radius = 6 + rng.NextDouble() * 5;
        double period = 4 + rng.NextDouble() * 4, phase = rng.NextDouble() * period;
        double angle = rng.NextDouble() * Math.PI * 2;
        double noise = 10 + rng.NextDouble() * 25;

        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                double dx = x - cx, dy = y - cy, r = Math.Sqrt(dx * dx + dy * dy);
                bool on = label switch
                {
                    0 => r < radius,
                    1 => Math.Abs(dx) < radius * 0.85 && Math.Abs(dy) < radius * 0.85,
                    2 => Triangle(dx, dy, radius, angle),
                    3 => Stripe(y + phase, period),
                    4 => Stripe(x + phase, period),
                    5 => (((int)((x + phase) / period) + (int)((y + phase) / period)) & 1) == 0,
                    6 => (Math.Abs(dx) < 2.2 || Math.Abs(dy) < 2.2) && Math.Abs(dx) < radius && Math.Abs(dy) < radius,
                    7 => Stripe((x + y) / Math.Sqrt(2) + phase, period),
                    8 => r < radius && r > radius - 3,
                    _ => Dots(x + phase, y + phase, period),
                };
                var colour = on ? foreground : background;
                for (int c = 0; c < 3; c++)
                {
                    double v = colour[c] + (rng.NextDouble() - 0.5) * 2 * noise;
                    image[(y * Size + x) * 3 + c] = (byte)Math.Clamp(v, 0, 255);
                }
            }
    }

    static bool Stripe(double coordinate, double period) => coordinate % period < period / 2;

    static bool Dots(double x, double y, double period)
    {
        double mx = x % period - period / 2, my = y % period - period / 2;
        return mx * mx + my * my < period * period / 10;
    }

    static bool Triangle(double dx, double dy, double radius, double angle)
    {
        // Point-in-triangle for an equilateral triangle of circumradius `radius`, rotated by `angle`.
        for (int k = 0; k < 3; k++)
        {
            double a = angle + k * 2 * Math.PI / 3 + Math.PI / 3;
            if (dx * Math.Cos(a) + dy * Math.Sin(a) > radius / 2) return false;
        }
        return true;
    }

    static double[] Hsv(double h, double s, double v)
    {
        h = ((h % 360) + 360) % 360 / 60;
        double c = v * s, x = c * (1 - Math.Abs(h % 2 - 1)), m = v - c;
        var (r, g, b) = (int)h switch
        {
            0 => (c, x, 0.0), 1 => (x, c, 0.0), 2 => (0.0, c, x), 3 => (0.0, x, c), 4 => (x, 0.0, c), _ => (c, 0.0, x),
        };
        return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
    }
}
