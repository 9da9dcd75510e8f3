using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Imaging;

// Expected values are worked out from TensorFlow's documented definitions of each op (comments show the arithmetic).
public class ImageOpsTests
{
    /// <summary>A (h, w, 1) float image holding 0, 1, 2, ... in row-major order.</summary>
    static Tensor Ramp(int h, int w, int c = 1) => arange(h * w * c, dtype: ScalarType.Float32).reshape(h, w, c);

    static float[] Values(Tensor t) => t.contiguous().to(ScalarType.Float32).data<float>().ToArray();

    static void Close(float[] expected, Tensor actual, float tolerance = 1e-5f)
    {
        var a = Values(actual);
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(expected[i] - a[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {a[i]}");
    }

    [Fact]
    public void Flips_rotations_and_transpose_move_pixels_like_numpy()
    {
        using var x = Ramp(2, 3);                                          // [[0 1 2] [3 4 5]]
        Close([2, 1, 0, 5, 4, 3], Image.FlipLeftRight(x));
        Close([3, 4, 5, 0, 1, 2], Image.FlipUpDown(x));
        Close([2, 5, 1, 4, 0, 3], Image.Rot90(x));                        // np.rot90: counter-clockwise, shape (3, 2)
        Assert.Equal([3L, 2, 1], Image.Rot90(x).shape);
        Close([3, 0, 4, 1, 5, 2], Image.Rot90(x, -1));
        Close([0, 3, 1, 4, 2, 5], Image.Transpose(x));
    }

    [Fact]
    public void Ops_take_batches_and_keep_uint8()
    {
        using var batch = Ramp(2, 3).to(ScalarType.Byte).unsqueeze(0).repeat(4, 1, 1, 1);
        using var flipped = Image.FlipLeftRight(batch);
        Assert.Equal([4L, 2, 3, 1], flipped.shape);
        Assert.Equal(ScalarType.Byte, flipped.dtype);
        Close([2, 1, 0, 5, 4, 3], flipped[3]);
    }

    [Fact]
    public void Crop_pad_and_central_crop_follow_their_boxes()
    {
        using var x = Ramp(4, 4);
        Close([5, 6, 9, 10], Image.CropToBoundingBox(x, 1, 1, 2, 2));
        using var padded = Image.PadToBoundingBox(Ramp(1, 2), 1, 1, 3, 4);
        Close([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], padded);
        // central_crop(0.5) of 4x4: start = int((4 - 4 * 0.5) / 2) = 1, size = 4 - 2 = 2.
        Close([5, 6, 9, 10], Image.CentralCrop(x, 0.5));
        // 0.3 of 5: start = int((5 - 1.5) / 2) = 1, size 3.
        Assert.Equal([3L, 3, 1], Image.CentralCrop(Ramp(5, 5), 0.3).shape);
        var error = Assert.Throws<ArgumentException>(() => Image.CropToBoundingBox(x, 3, 0, 2, 2));
        Assert.Contains("4x4", error.Message);
    }

    [Fact]
    public void Bilinear_resize_uses_half_pixel_centres()
    {
        // Upsampling 2 -> 4: sample points (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 (clamped): 0, 0.25, 0.75, 1.
        using var column = tensor(new float[] { 0, 1 }).reshape(2, 1, 1);
        Close([0, 0.25f, 0.75f, 1], Image.Resize(column, 4, 1));
        // Downsampling 4 -> 2 without antialias: samples at 0.5 and 2.5, the means of neighbour pairs.
        using var four = tensor(new float[] { 0, 1, 2, 3 }).reshape(1, 4, 1);
        Close([0.5f, 2.5f], Image.Resize(four, 1, 2));
    }

    [Fact]
    public void Antialias_widens_the_filter_when_downsampling()
    {
        // 4 -> 2 with a triangle twice as wide: output 0 samples at 1.0; taps 0, 1, 2 at distances 0.5, 0.5, 1.5,
        // weights 1 - d/2 = 0.75, 0.75, 0.25 normalised by 1.75.
        using var four = tensor(new float[] { 0, 1, 2, 3 }).reshape(1, 4, 1);
        float first = (0.75f * 0 + 0.75f * 1 + 0.25f * 2) / 1.75f, second = (0.25f * 1 + 0.75f * 2 + 0.75f * 3) / 1.75f;
        Close([first, second], Image.Resize(four, 1, 2, antialias: true));
    }

    [Fact]
    public void Bicubic_is_keys_cubic_which_reproduces_a_linear_ramp_inside_the_image()
    {
        // Keys' cubic (a = -0.5) interpolates linear functions exactly; torch's a = -0.75 would too, so also check one
        // border value: output 0 of 4 -> 8 samples at 0.25 (pixel centres at j + 0.5); taps -2 and -1 lie outside, their
        // weights are dropped and the rest renormalised: taps 0 and 1 at distances 0.25 and 1.25.
        using var ramp = tensor(new float[] { 0, 1, 2, 3 }).reshape(1, 4, 1);
        var resized = Values(Image.Resize(ramp, 1, 8, method: "bicubic"));
        // Outputs 3 and 4 have all four taps (0..3) inside the image.
        for (int o = 3; o <= 4; o++) Assert.Equal((o + 0.5f) / 2 - 0.5f, resized[o], 4);
        static float K(float x) => x >= 1 ? ((-0.5f * x + 2.5f) * x - 4) * x + 2 : (1.5f * x - 2.5f) * x * x + 1;
        float w0 = K(0.25f), w1 = K(1.25f);
        Assert.Equal((w0 * 0 + w1 * 1) / (w0 + w1), resized[0], 4);
    }

    [Fact]
    public void Nearest_keeps_dtype_and_picks_floor_of_half_pixel_centres()
    {
        // 3 -> 2: sources floor((o + 0.5) * 1.5) = 0, 2.
        using var x = tensor(new byte[] { 10, 20, 30 }).reshape(1, 3, 1);
        using var r = Image.Resize(x, 1, 2, method: "nearest");
        Assert.Equal(ScalarType.Byte, r.dtype);
        Assert.Equal(new byte[] { 10, 30 }, r.data<byte>().ToArray());
    }

    [Fact]
    public void Area_averages_the_covered_fraction_of_each_pixel()
    {
        // 3 -> 2: output 0 covers [0, 1.5): pixel 0 fully, pixel 1 half: (a0 + 0.5 a1) / 1.5.
        using var x = tensor(new float[] { 3, 6, 9 }).reshape(1, 3, 1);
        Close([(3 + 0.5f * 6) / 1.5f, (0.5f * 6 + 9) / 1.5f], Image.Resize(x, 1, 2, method: "area"));
    }

    [Fact]
    public void Every_method_keeps_a_constant_image_constant_and_returns_float32()
    {
        using var x = full([7, 5, 3], 100, dtype: ScalarType.Byte);
        foreach (var method in Image.ResizeMethods)
            foreach (var antialias in new[] { false, true })
            {
                using var r = Image.Resize(x, 3, 11, method, antialias: antialias);
                Assert.Equal([3L, 11, 3], r.shape);
                Assert.Equal(method == "nearest" ? ScalarType.Byte : ScalarType.Float32, r.dtype);
                Close(Enumerable.Repeat(100f, 99).ToArray(), r, 1e-3f);
            }
    }

    [Fact]
    public void PreserveAspectRatio_and_ResizeWithPad_fit_the_image_in_the_box()
    {
        using var x = zeros([100, 50, 3]);
        Assert.Equal([64L, 32, 3], Image.Resize(x, 64, 64, preserveAspectRatio: true).shape);
        using var ones1 = ones([10, 20, 1]);
        using var padded = Image.ResizeWithPad(ones1, 20, 20);
        Assert.Equal([20L, 20, 1], padded.shape);
        // 10x20 into 20x20: ratio 1, resized 10x20, padding (20 - 10) / 2 = 5 rows above and below.
        Assert.Equal(0f, padded[4, 10, 0].item<float>());
        Assert.Equal(1f, padded[5, 10, 0].item<float>(), 5);
        Assert.Equal(1f, padded[14, 10, 0].item<float>(), 5);
        Assert.Equal(0f, padded[15, 10, 0].item<float>());
    }

    [Fact]
    public void Convert_image_dtype_scales_by_255_and_truncates_back()
    {
        using var bytes = tensor(new byte[] { 0, 128, 255 });
        using var floats = Image.ConvertImageDtype(bytes, ScalarType.Float32);
        Close([0, 128 / 255f, 1], floats);
        // Back: x * 255.5, truncated and saturated: 0.5 -> 127, 1.2 -> 255, -0.1 -> 0.
        using var back = Image.ConvertImageDtype(tensor(new float[] { 0.5f, 1.2f, -0.1f }), ScalarType.Byte);
        Assert.Equal(new byte[] { 127, 255, 0 }, back.data<byte>().ToArray());
    }

    [Fact]
    public void Brightness_contrast_and_gamma_follow_their_formulas()
    {
        using var x = tensor(new float[] { 0.1f, 0.2f, 0.3f, 0.6f }).reshape(2, 2, 1);
        Close([0.3f, 0.4f, 0.5f, 0.8f], Image.AdjustBrightness(x, 0.2));
        // mean 0.3: (x - 0.3) * 2 + 0.3.
        Close([-0.1f, 0.1f, 0.3f, 0.9f], Image.AdjustContrast(x, 2));
        Close([0.01f * 2, 0.04f * 2, 0.09f * 2, 0.36f * 2], Image.AdjustGamma(x, gamma: 2, gain: 2));
        // uint8 goes through float and saturates back: 250 + 0.1 * 255 > 255.
        using var b = tensor(new byte[] { 10, 250 }).reshape(1, 2, 1);
        using var brighter = Image.AdjustBrightness(b, 0.1);
        Assert.Equal(ScalarType.Byte, brighter.dtype);
        Assert.Equal(new byte[] { (byte)((10 / 255f + 0.1f) * 255.5f), 255 }, brighter.data<byte>().ToArray());
    }

    [Fact]
    public void Hsv_round_trips_and_matches_the_textbook_values()
    {
        using var rgb = tensor(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5f, 0.25f, 0.25f, 0, 0, 0 }).reshape(5, 1, 3);
        using var hsv = Image.RgbToHsv(rgb);
        // red h=0, green 1/3, blue 2/3; (0.5, 0.25, 0.25): h 0, s 0.5, v 0.5; black: all 0.
        Close([0, 1, 1, 1 / 3f, 1, 1, 2 / 3f, 1, 1, 0, 0.5f, 0.5f, 0, 0, 0], hsv);
        Close(Values(rgb), Image.HsvToRgb(hsv));
        // Hue +1/3 turns red into green; saturation 0 gives grey at the value.
        Close([0, 1, 0], Image.AdjustHue(rgb[0], 1 / 3.0));
        Close([0.5f, 0.5f, 0.5f], Image.AdjustSaturation(rgb[3], 0));
    }

    [Fact]
    public void Grayscale_uses_tf_weights_and_back_to_rgb_repeats()
    {
        using var rgb = tensor(new float[] { 1, 0, 0, 0.2f, 0.4f, 0.6f }).reshape(1, 2, 3);
        using var gray = Image.RgbToGrayscale(rgb);
        Close([0.2989f, 0.2989f * 0.2f + 0.587f * 0.4f + 0.114f * 0.6f], gray);
        Assert.Equal([1L, 2, 3], Image.GrayscaleToRgb(gray).shape);
    }

    [Fact]
    public void Per_image_standardization_gives_zero_mean_unit_variance_and_guards_flat_images()
    {
        using var x = Ramp(4, 4, 3);
        using var s = Image.PerImageStandardization(x);
        Assert.Equal(0, s.mean().item<float>(), 4);
        Assert.Equal(1, s.std(unbiased: false).item<float>(), 4);
        // A flat image: stddev 0 is replaced by 1/sqrt(48), so the result is 0 rather than NaN.
        using var flat = Image.PerImageStandardization(full([4, 4, 3], 7f));
        Assert.Equal(0, flat.abs().max().item<float>());
    }

    [Fact]
    public void Extract_patches_flattens_row_column_channel()
    {
        using var x = Ramp(4, 4).unsqueeze(0);                          // 0..15
        using var p = Image.ExtractPatches(x, (2, 2), (2, 2));
        Assert.Equal([1L, 2, 2, 4], p.shape);
        Close([0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15], p);
        // Dilated 2x2 patch with rate 2 spans 3x3: taps (0,0) (0,2) (2,0) (2,2).
        using var dilated = Image.ExtractPatches(x, (2, 2), (1, 1), rates: (2, 2));
        Assert.Equal([1L, 2, 2, 4], dilated.shape);
        Close([0, 2, 8, 10], dilated[0, 0, 0]);
        // SAME with stride 3 on 4: ceil(4/3) = 2 patches; padding total (2-1)*3 + 2 - 4 = 1, 0 before: last patch hits the zero row.
        using var same = Image.ExtractPatches(x, (2, 2), (3, 3), padding: "SAME");
        Assert.Equal([1L, 2, 2, 4], same.shape);
        Close([15, 0, 0, 0], same[0, 1, 1]);
    }

    [Fact]
    public void Seeded_random_ops_repeat_and_stateless_ones_depend_only_on_the_seed()
    {
        using var batch = Ramp(3, 3).unsqueeze(0).repeat(16, 1, 1, 1);
        using var a = Image.StatelessRandomFlipLeftRight(batch, (1, 2));
        using var b = Image.StatelessRandomFlipLeftRight(batch, (1, 2));
        Assert.True(a.eq(b).all().item<bool>());
        // Some images flipped and some not (P = 2^-15 that all 16 agree).
        using var flippedMask = a.ne(batch).any(3).any(2).any(1);
        long flipped = flippedMask.sum().item<long>();
        Assert.InRange(flipped, 1, 15);
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        Assert.True(Image.RandomCrop(batch, 2, 2, g1).eq(Image.RandomCrop(batch, 2, 2, g2)).all().item<bool>());
        double delta = Values(Image.StatelessRandomBrightness(zeros([1, 1, 1]), 0.3, (5, 6)))[0];
        Assert.InRange(delta, -0.3, 0.3);
        Assert.Equal(delta, Values(Image.StatelessRandomBrightness(zeros([1, 1, 1]), 0.3, (5, 6)))[0]);
    }
}

public class ResizeAgainstPillowTests
{
    [Fact]
    public void Antialiased_bilinear_bicubic_and_lanczos3_match_pillows_resampling()
    {
        // Fixtures/pil_resize.json is written by Fixtures/make_pil_resize.py with Debian's python3-pil.
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Imaging", "Fixtures", "pil_resize.json")));
        var root = doc.RootElement;
        int h = root.GetProperty("height").GetInt32(), w = root.GetProperty("width").GetInt32();
        var input = root.GetProperty("input").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        using var image = tensor(input).reshape(h, w, 1);
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            string method = c.GetProperty("method").GetString()!;
            int oh = c.GetProperty("height").GetInt32(), ow = c.GetProperty("width").GetInt32();
            var expected = c.GetProperty("values").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            using var resized = Image.Resize(image, oh, ow, method, antialias: true);
            var actual = resized.data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-2, $"{method} {h}x{w} -> {oh}x{ow}, element {i}: Pillow {expected[i]}, ours {actual[i]}");
        }
    }
}
