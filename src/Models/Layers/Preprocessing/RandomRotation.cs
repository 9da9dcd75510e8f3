using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>layers.RandomRotation</c>: while training, rotates each image about its centre by a random fraction of a
/// full turn drawn from <c>factor</c> (positive is counter-clockwise), filling the corners by <c>fillMode</c>; identity in inference.
/// </summary>
public sealed class RandomRotation : Layer
{
    readonly Generator _generator;
    readonly (double Lower, double Upper) _range;

    /// <summary>Creates the layer.</summary>
    /// <param name="factor">A fraction of 2π: f means [-f, f]; or a (lower, upper) pair.</param>
    /// <param name="fillMode">"reflect" (default), "wrap", "constant" or "nearest".</param>
    /// <param name="interpolation">"bilinear" (default) or "nearest".</param>
    /// <param name="seed">Seed of the layer's generator.</param>
    /// <param name="fillValue">The constant for fillMode "constant".</param>
    /// <param name="name">Optional layer name.</param>
    public RandomRotation(double[] factor, string fillMode = "reflect", string interpolation = "bilinear", long? seed = null, double fillValue = 0, string? name = null) : base(name)
    {
        _range = Augmentation.Range(factor, "RandomRotation", nameof(factor));
        GeometricAugmentation.Check("RandomRotation", fillMode, interpolation);
        (Factor, FillMode, Interpolation, Seed, FillValue) = ([.. factor], fillMode, interpolation, seed, fillValue);
        _generator = Augmentation.NewGenerator(seed);
    }

    /// <summary>Creates the layer with a symmetric factor: rotations in [-factor, factor] of a full turn.</summary>
    /// <param name="factor">Fraction of 2π.</param>
    /// <param name="fillMode">See the other constructor.</param>
    /// <param name="interpolation">See the other constructor.</param>
    /// <param name="seed">See the other constructor.</param>
    /// <param name="fillValue">See the other constructor.</param>
    /// <param name="name">Optional layer name.</param>
    public RandomRotation(double factor, string fillMode = "reflect", string interpolation = "bilinear", long? seed = null, double fillValue = 0, string? name = null)
        : this([factor], fillMode, interpolation, seed, fillValue, name) { }

    /// <summary>The factor as given.</summary>
    public IReadOnlyList<double> Factor { get; }

    /// <summary>How points outside the input are filled.</summary>
    public string FillMode { get; }

    /// <summary>"bilinear" or "nearest".</summary>
    public string Interpolation { get; }

    /// <summary>The seed, or null.</summary>
    public long? Seed { get; }

    /// <summary>The constant for fillMode "constant".</summary>
    public double FillValue { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <inheritdoc />
    [RandomOp]
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (!training) return inputs.alias();
        return Augmentation.OnBatch(inputs, "RandomRotation", x =>
        {
            using var scope = NewDisposeScope();
            long n = x.shape[0];
            double h = x.shape[1], w = x.shape[2];
            var angles = Augmentation.UniformValues(n, _range, _generator);
            var rows = new double[n * 8];
            for (long i = 0; i < n; i++)
            {
                double cos = Math.Cos(angles[i] * 2 * Math.PI), sin = Math.Sin(angles[i] * 2 * Math.PI);
                // Rotation about the image centre ((w - 1) / 2, (h - 1) / 2), output -> input, as Keras builds it.
                double xOffset = ((w - 1) - (cos * (w - 1) - sin * (h - 1))) / 2;
                double yOffset = ((h - 1) - (sin * (w - 1) + cos * (h - 1))) / 2;
                new[] { cos, -sin, xOffset, sin, cos, yOffset, 0, 0 }.CopyTo(rows, i * 8);
            }
            var transforms = Augmentation.Transforms(rows, n, x.device);
            return GeometricAugmentation.Apply(x, transforms, Interpolation, FillMode, FillValue).MoveToOuterDisposeScope();
        });
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["factor"] = Factor.Count == 1 ? Factor[0] : Factor.ToArray();
        config["fill_mode"] = FillMode;
        config["interpolation"] = Interpolation;
        config["seed"] = Seed;
        config["fill_value"] = FillValue;
        return config;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _generator.Dispose();
        base.Dispose(disposing);
    }
}
