using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

// tf.image.resize and resize_with_pad. Every method except "nearest" is a separable filter: one (out, in) weight matrix
// per axis, built exactly as TensorFlow's scale_and_translate kernel builds its spans (half-pixel centres, weights of
// samples outside the image dropped and the rest renormalised, kernel widened by the downscale factor when antialias
// is on). TensorFlow's resize_bilinear/resize_bicubic with half_pixel_centers give the same numbers at the borders, which
// is where ports built on clamped indices (torch's interpolate, for bicubic) differ.
public static partial class Image
{
    /// <summary>The <c>method</c> names <see cref="Resize"/> accepts (TensorFlow's <c>tf.image.ResizeMethod</c> values).</summary>
    public static IReadOnlyList<string> ResizeMethods { get; } = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"];

    /// <summary>
    /// <c>tf.image.resize</c>: resizes to (<paramref name="height"/>, <paramref name="width"/>) with TensorFlow 2's
    /// half-pixel centres.
    /// </summary>
    /// <param name="images">(height, width, channels) or (batch, height, width, channels), any real dtype.</param>
    /// <param name="height">Output height.</param>
    /// <param name="width">Output width.</param>
    /// <param name="method">One of <see cref="ResizeMethods"/>.</param>
    /// <param name="preserveAspectRatio">Scale both sides by the same factor so the result fits inside the size
    /// (the larger side reaches it, the other is rounded).</param>
    /// <param name="antialias">When downscaling, widen the filter by the scale factor so every input pixel contributes
    /// (ignored by "nearest" and "area", as in TensorFlow).</param>
    /// <returns>float32, except for "nearest", which keeps the input's dtype (as TensorFlow does). Values are not clipped
    /// (bicubic and lanczos overshoot slightly at edges).</returns>
    public static Tensor Resize(Tensor images, int height, int width, string method = "bilinear", bool preserveAspectRatio = false, bool antialias = false)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"Resize: size must be positive, but was ({height}, {width}).");
        if (!ResizeMethods.Contains(method))
            throw new ArgumentException($"Resize: method must be one of {string.Join(", ", ResizeMethods.Select(m => $"\"{m}\""))}, but was \"{method}\".", nameof(method));
        return Batched(images, "Resize", x =>
        {
            var (h, w) = ((int)x.shape[1], (int)x.shape[2]);
            var (outH, outW) = (height, width);
            if (preserveAspectRatio)
            {
                float scale = Math.Min(height / (float)h, width / (float)w);
                outH = (int)Math.Round(scale * h, MidpointRounding.ToEven);
                outW = (int)Math.Round(scale * w, MidpointRounding.ToEven);
            }
            if (method == "nearest") return ResizeNearest(x, h, w, outH, outW);
            using var scope = NewDisposeScope();
            var input = x.dtype == ScalarType.Float32 ? x : x.to_type(ScalarType.Float32);
            var rows = Weights(h, outH, method, antialias, x.device);
            var cols = Weights(w, outW, method, antialias, x.device);
            var result = einsum("oh,nhwc->nowc", rows, input);
            result = einsum("pw,nowc->nopc", cols, result);
            return result.contiguous().MoveToOuterDisposeScope();
        });
    }

    /// <summary>
    /// <c>tf.image.resize_with_pad</c>: resizes keeping the aspect ratio so the image fits in
    /// (<paramref name="targetHeight"/>, <paramref name="targetWidth"/>), then pads the rest with zeros, centred.
    /// </summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="targetHeight">Output height.</param>
    /// <param name="targetWidth">Output width.</param>
    /// <param name="method">One of <see cref="ResizeMethods"/>.</param>
    /// <param name="antialias">See <see cref="Resize"/>.</param>
    public static Tensor ResizeWithPad(Tensor image, int targetHeight, int targetWidth, string method = "bilinear", bool antialias = false) =>
        Batched(image, "ResizeWithPad", x =>
        {
            var (h, w) = ((int)x.shape[1], (int)x.shape[2]);
            // TF: ratio = max(w / tw, h / th); resized = floor(size / ratio); padding = floor((target - size / ratio) / 2).
            float ratio = Math.Max(w / (float)targetWidth, h / (float)targetHeight);
            float rh = h / ratio, rw = w / ratio;
            int resizedH = Math.Max(1, (int)MathF.Floor(rh)), resizedW = Math.Max(1, (int)MathF.Floor(rw));
            int padH = Math.Max(0, (int)MathF.Floor((targetHeight - rh) / 2)), padW = Math.Max(0, (int)MathF.Floor((targetWidth - rw) / 2));
            using var resized = Resize(x, resizedH, resizedW, method, antialias: antialias);
            return PadToBoundingBox(resized, padH, padW, targetHeight, targetWidth);
        });

    static Tensor ResizeNearest(Tensor x, int h, int w, int outH, int outW)
    {
        // TF's resize_nearest_neighbor with half_pixel_centers: source = min(floor((i + 0.5) * in / out), in - 1).
        using var rows = tensor(NearestIndices(h, outH), device: x.device);
        using var cols = tensor(NearestIndices(w, outW), device: x.device);
        using var picked = x.index_select(1, rows);
        return picked.index_select(2, cols);
    }

    static long[] NearestIndices(int input, int output)
    {
        var result = new long[output];
        float scale = input / (float)output;
        for (int i = 0; i < output; i++) result[i] = Math.Clamp((long)MathF.Floor((i + 0.5f) * scale), 0, input - 1);
        return result;
    }

    static readonly ConcurrentDictionary<(int, int, string, bool), float[]> WeightCache = new();

    static Tensor Weights(int input, int output, string method, bool antialias, Device device)
    {
        var key = (input, output, method, antialias && method is not "area");
        if (WeightCache.Count > 256) WeightCache.Clear();   // bounded: sizes in a pipeline are few
        var weights = WeightCache.GetOrAdd(key, k => method == "area" ? AreaWeights(k.Item1, k.Item2) : KernelWeights(k.Item1, k.Item2, k.Item3, k.Item4));
        return tensor(weights, [output, input], device: device);
    }

    static float[] KernelWeights(int input, int output, string method, bool antialias)
    {
        Func<float, float> kernel;
        float radius;
        switch (method)
        {
            case "bilinear": kernel = Triangle; radius = 1; break;
            case "bicubic": kernel = KeysCubic; radius = 2; break;
            case "lanczos3": kernel = x => Lanczos(x, 3); radius = 3; break;
            case "lanczos5": kernel = x => Lanczos(x, 5); radius = 5; break;
            case "gaussian": kernel = Gaussian; radius = 1.5f; break;
            default: kernel = MitchellCubic; radius = 2; break;
        }
        var weights = new float[output * input];
        float scale = output / (float)input, invScale = 1f / scale;
        float kernelScale = antialias ? Math.Max(invScale, 1f) : 1f;
        for (int o = 0; o < output; o++)
        {
            float sample = (o + 0.5f) * invScale;
            if (sample < 0 || sample > input) continue;
            long start = Math.Clamp((long)MathF.Ceiling(sample - radius * kernelScale - 0.5f), 0, input - 1);
            long end = Math.Clamp((long)MathF.Floor(sample + radius * kernelScale - 0.5f), 0, input - 1) + 1;
            float total = 0;
            for (long s = start; s < end; s++)
                total += weights[o * input + s] = kernel(MathF.Abs((s + 0.5f - sample) / kernelScale));
            if (MathF.Abs(total) >= 1000f * float.Epsilon)
                for (long s = start; s < end; s++) weights[o * input + s] /= total;
        }
        return weights;
    }

    static float[] AreaWeights(int input, int output)
    {
        // TF's resize_area: output pixel o averages the input interval [o * s, (o + 1) * s), s = in / out, weighting each
        // input pixel by its overlap with the interval.
        var weights = new float[output * input];
        double s = input / (double)output;
        for (int o = 0; o < output; o++)
        {
            double lo = o * s, hi = (o + 1) * s;
            for (int i = (int)Math.Floor(lo); i < Math.Min(input, (int)Math.Ceiling(hi)); i++)
            {
                double overlap = Math.Min(hi, i + 1) - Math.Max(lo, i);
                if (overlap > 0) weights[o * input + i] = (float)(overlap / s);
            }
        }
        return weights;
    }

    static float Triangle(float x) => x < 1 ? 1 - x : 0;

    static float KeysCubic(float x) => x >= 2 ? 0 : x >= 1 ? ((-0.5f * x + 2.5f) * x - 4f) * x + 2f : (1.5f * x - 2.5f) * x * x + 1f;

    static float MitchellCubic(float x) => x >= 2 ? 0
        : x >= 1 ? ((-7f / 18f * x + 2f) * x - 10f / 3f) * x + 16f / 9f
        : (7f / 6f * x - 2f) * x * x + 8f / 9f;

    static float Lanczos(float x, float radius) => x > radius ? 0 : x <= 1e-3f ? 1
        : radius * MathF.Sin(MathF.PI * x) * MathF.Sin(MathF.PI * x / radius) / (MathF.PI * MathF.PI * x * x);

    static float Gaussian(float x)
    {
        const float radius = 1.5f, sigma = radius / 3f;
        return x >= radius ? 0 : MathF.Exp(-x * x / (2f * sigma * sigma));
    }
}
