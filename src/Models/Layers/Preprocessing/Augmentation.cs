using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>What Keras's random preprocessing layers share: factor parsing, a seeded generator, per-image draws.</summary>
static class Augmentation
{
    /// <summary>Keras's factor: a number f means (-f, f); a pair is (lower, upper).</summary>
    internal static (double Lower, double Upper) Range(double[] factor, string layer, string argument, double? maxAbs = null)
    {
        ArgumentNullException.ThrowIfNull(factor, argument);
        var (lower, upper) = factor.Length switch
        {
            1 => (-Math.Abs(factor[0]), Math.Abs(factor[0])),
            2 => (factor[0], factor[1]),
            _ => throw new ArgumentException($"{layer}: {argument} must be one number or a (lower, upper) pair, but has {factor.Length} values.", argument),
        };
        if (lower > upper)
            throw new ArgumentException($"{layer}: {argument} lower bound {lower} is above its upper bound {upper}.", argument);
        if (maxAbs is double m && (Math.Abs(lower) > m || Math.Abs(upper) > m))
            throw new ArgumentOutOfRangeException(argument, $"{layer}: {argument} values must be within [-{m}, {m}], but got ({lower}, {upper}).");
        return (lower, upper);
    }

    /// <summary>
    /// A generator for the layer's draws, from <see cref="RandomSeed.GetSeed"/>: a seeded layer repeats its sequence in
    /// every process, and so does a seedless one when the global seed is set (<c>Utils.SetRandomSeed</c>).
    /// </summary>
    internal static Generator NewGenerator(long? seed) => new((ulong)RandomSeed.GetSeed(seed));

    /// <summary>One uniform draw in [lower, upper) per image, as float32 on <paramref name="device"/>.</summary>
    internal static Tensor Uniform(long count, (double Lower, double Upper) range, Generator generator, Device device)
    {
        using var u = rand([count], ScalarType.Float32, generator: generator);
        using var lo = range.Lower.ToScalar();
        using var span = (range.Upper - range.Lower).ToScalar();
        using var scaled = u.mul(span).add_(lo, Training.Scalars.One);
        return scaled.to(device);
    }

    /// <summary>
    /// One uniform draw in [lower, upper) per image from the layer's generator, as numbers: the geometric layers build
    /// their (batch, 8) transforms from them in managed code, so no temporary Scalar (which TorchSharp 0.107 may
    /// finalize during a native call) and no tiny element-wise op is involved.
    /// </summary>
    internal static double[] UniformValues(long count, (double Lower, double Upper) range, Generator generator)
    {
        using var u = rand([count], ScalarType.Float32, generator: generator);
        var span = range.Upper - range.Lower;
        return [.. u.data<float>().ToArray().Select(v => v * span + range.Lower)];
    }

    /// <summary>(batch, 8) float32 transforms for <c>Image.AffineTransform</c>, on <paramref name="device"/>.</summary>
    internal static Tensor Transforms(double[] rows, long count, Device device)
    {
        var values = new float[rows.Length];
        for (int i = 0; i < rows.Length; i++) values[i] = (float)rows[i];
        var cpu = tensor(values, [count, 8]);
        if (device.type == DeviceType.CPU) return cpu;
        using (cpu) return cpu.to(device);
    }

    /// <summary>Runs <paramref name="body"/> on a batch, accepting one image (height, width, channels) too, as Keras does.</summary>
    internal static Tensor OnBatch(Tensor inputs, string layer, Func<Tensor, Tensor> body)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() == 4) return body(inputs);
        if (inputs.dim() != 3)
            throw new ArgumentException($"{layer}: expected images of shape (batch, height, width, channels) or (height, width, channels), but got ({string.Join(", ", inputs.shape)}).", nameof(inputs));
        using var batch = inputs.unsqueeze(0);
        using var result = body(batch);
        return result.squeeze(0);
    }

    internal static Tensor ToFloat(Tensor x) => x.is_floating_point() ? x.alias() : x.to_type(ScalarType.Float32);
}
