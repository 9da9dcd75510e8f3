using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>layers.RandomBrightness</c>: while training, adds to each image a delta drawn from the factor range
/// times the width of <c>valueRange</c>, and clips to it; identity in inference.
/// </summary>
public sealed class RandomBrightness : Layer
{
    readonly Generator _generator;
    readonly (double Lower, double Upper) _range;

    /// <summary>Creates the layer.</summary>
    /// <param name="factor">f means [-f, f]; or a (lower, upper) pair; values in [-1, 1].</param>
    /// <param name="valueRange">The range of the inputs (Keras's default 0-255).</param>
    /// <param name="seed">Seed of the layer's generator.</param>
    /// <param name="name">Optional layer name.</param>
    public RandomBrightness(double[] factor, (double Min, double Max)? valueRange = null, long? seed = null, string? name = null) : base(name)
    {
        _range = Augmentation.Range(factor, "RandomBrightness", nameof(factor), maxAbs: 1);
        (Factor, ValueRange, Seed) = ([.. factor], valueRange ?? (0, 255), seed);
        if (ValueRange.Max <= ValueRange.Min)
            throw new ArgumentException($"RandomBrightness: valueRange must be (min, max) with min < max, but was {ValueRange}.", nameof(valueRange));
        _generator = Augmentation.NewGenerator(seed);
    }

    /// <summary>Creates the layer with deltas in [-factor, factor] of the value range.</summary>
    /// <param name="factor">In [0, 1].</param>
    /// <param name="valueRange">See the other constructor.</param>
    /// <param name="seed">See the other constructor.</param>
    /// <param name="name">Optional layer name.</param>
    public RandomBrightness(double factor, (double Min, double Max)? valueRange = null, long? seed = null, string? name = null) : this([factor], valueRange, seed, name) { }

    /// <summary>The factor as given.</summary>
    public IReadOnlyList<double> Factor { get; }

    /// <summary>The range of the inputs.</summary>
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
        return Augmentation.OnBatch(inputs, "RandomBrightness", x =>
        {
            using var scope = NewDisposeScope();
            var f = Augmentation.ToFloat(x);
            var delta = Augmentation.Uniform(x.shape[0], _range, _generator, x.device).view(-1, 1, 1, 1) * (ValueRange.Max - ValueRange.Min);
            using var lo = ValueRange.Min.ToScalar();
            using var hi = ValueRange.Max.ToScalar();
            return (f + delta).clamp_(lo, hi).MoveToOuterDisposeScope();
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
