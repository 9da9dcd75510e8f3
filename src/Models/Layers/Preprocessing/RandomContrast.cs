using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>layers.RandomContrast</c>: while training, scales each image's deviation from its per-channel mean by a
/// factor drawn from [1 - lower, 1 + upper] and clips to <c>valueRange</c>; identity in inference.
/// </summary>
public sealed class RandomContrast : Layer
{
    readonly Generator _generator;
    readonly (double Lower, double Upper) _range;

    /// <summary>Creates the layer.</summary>
    /// <param name="factor">f means factors in [1 - f, 1 + f]; a pair (lower, upper) means [1 - lower, 1 + upper]; values in [0, 1].</param>
    /// <param name="valueRange">The range of the inputs, which outputs are clipped to (Keras's default 0-255).</param>
    /// <param name="seed">Seed of the layer's generator.</param>
    /// <param name="name">Optional layer name.</param>
    public RandomContrast(double[] factor, (double Min, double Max)? valueRange = null, long? seed = null, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(factor);
        var (lower, upper) = factor.Length == 1 ? (factor[0], factor[0]) : factor.Length == 2 ? (factor[0], factor[1])
            : throw new ArgumentException($"RandomContrast: factor must be one number or a pair, but has {factor.Length} values.", nameof(factor));
        if (lower is < 0 or > 1 || upper is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(factor), $"RandomContrast: factor values must be in [0, 1], but got ({lower}, {upper}).");
        _range = (1 - lower, 1 + upper);
        (Factor, ValueRange, Seed) = ([.. factor], valueRange ?? (0, 255), seed);
        _generator = Augmentation.NewGenerator(seed);
    }

    /// <summary>Creates the layer with factors in [1 - factor, 1 + factor].</summary>
    /// <param name="factor">In [0, 1].</param>
    /// <param name="valueRange">See the other constructor.</param>
    /// <param name="seed">See the other constructor.</param>
    /// <param name="name">Optional layer name.</param>
    public RandomContrast(double factor, (double Min, double Max)? valueRange = null, long? seed = null, string? name = null) : this([factor], valueRange, seed, name) { }

    /// <summary>The factor as given.</summary>
    public IReadOnlyList<double> Factor { get; }

    /// <summary>The range outputs are clipped to.</summary>
    public (double Min, double Max) ValueRange { get; }

    /// <summary>The seed, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    [RandomOp]
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (!training) return inputs.alias();
        return Augmentation.OnBatch(inputs, "RandomContrast", x =>
        {
            using var scope = NewDisposeScope();
            var f = Augmentation.ToFloat(x);
            var factor = Augmentation.Uniform(x.shape[0], _range, _generator, x.device).view(-1, 1, 1, 1);
            var mean = f.mean([1, 2], keepdim: true);
            using var lo = ValueRange.Min.ToScalar();
            using var hi = ValueRange.Max.ToScalar();
            return ((f - mean) * factor + mean).clamp_(lo, hi).MoveToOuterDisposeScope();
        });
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["factor"] = Factor.Count == 1 ? Factor[0] : Factor.ToArray();
        config["value_range"] = new[] { ValueRange.Min, ValueRange.Max };
        config["seed"] = Seed;
        return config;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _generator.Dispose();
        base.Dispose(disposing);
    }
}
