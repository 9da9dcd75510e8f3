using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>layers.RandomTranslation</c>: while training, shifts each image by a fraction of its height and width drawn from the
/// factors (positive moves down and right), filling by <c>fillMode</c>; identity in inference.
/// </summary>
public sealed class RandomTranslation : Layer
{
    readonly Generator _generator;
    readonly (double Lower, double Upper) _height;
    readonly (double Lower, double Upper) _width;

    /// <summary>Creates the layer.</summary>
    /// <param name="heightFactor">Fraction of the height: f means [-f, f]; or a (lower, upper) pair, within [-1, 1].</param>
    /// <param name="widthFactor">Fraction of the width, likewise.</param>
    /// <param name="fillMode">"reflect" (default), "wrap", "constant" or "nearest".</param>
    /// <param name="interpolation">"bilinear" (default) or "nearest".</param>
    /// <param name="seed">Seed of the layer's generator.</param>
    /// <param name="fillValue">The constant for fillMode "constant".</param>
    /// <param name="name">Optional layer name.</param>
    public RandomTranslation(double[] heightFactor, double[] widthFactor, string fillMode = "reflect", string interpolation = "bilinear", long? seed = null, double fillValue = 0, string? name = null) : base(name)
    {
        _height = Augmentation.Range(heightFactor, "RandomTranslation", nameof(heightFactor), maxAbs: 1);
        _width = Augmentation.Range(widthFactor, "RandomTranslation", nameof(widthFactor), maxAbs: 1);
        GeometricAugmentation.Check("RandomTranslation", fillMode, interpolation);
        (HeightFactor, WidthFactor, FillMode, Interpolation, Seed, FillValue) = ([.. heightFactor], [.. widthFactor], fillMode, interpolation, seed, fillValue);
        _generator = Augmentation.NewGenerator(seed);
    }

    /// <summary>Creates the layer with symmetric factors.</summary>
    /// <param name="heightFactor">Shift in [-f, f] of the height.</param>
    /// <param name="widthFactor">Shift in [-f, f] of the width.</param>
    /// <param name="fillMode">See the other constructor.</param>
    /// <param name="interpolation">See the other constructor.</param>
    /// <param name="seed">See the other constructor.</param>
    /// <param name="fillValue">See the other constructor.</param>
    /// <param name="name">Optional layer name.</param>
    public RandomTranslation(double heightFactor, double widthFactor, string fillMode = "reflect", string interpolation = "bilinear", long? seed = null, double fillValue = 0, string? name = null)
        : this([heightFactor], [widthFactor], fillMode, interpolation, seed, fillValue, name) { }

    /// <summary>The height factor as given.</summary>
    public IReadOnlyList<double> HeightFactor { get; }

    /// <summary>The width factor as given.</summary>
    public IReadOnlyList<double> WidthFactor { get; }

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
        return Augmentation.OnBatch(inputs, "RandomTranslation", x =>
        {
            using var scope = NewDisposeScope();
            long n = x.shape[0];
            double h = x.shape[1], w = x.shape[2];
            // Output pixel (x, y) reads the input at (x - dx, y - dy).
            var dy = Augmentation.UniformValues(n, _height, _generator);
            var dx = Augmentation.UniformValues(n, _width, _generator);
            var rows = new double[n * 8];
            for (long i = 0; i < n; i++)
                new[] { 1, 0, -dx[i] * w, 0, 1, -dy[i] * h, 0, 0 }.CopyTo(rows, i * 8);
            var transforms = Augmentation.Transforms(rows, n, x.device);
            return GeometricAugmentation.Apply(x, transforms, Interpolation, FillMode, FillValue).MoveToOuterDisposeScope();
        });
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["height_factor"] = HeightFactor.Count == 1 ? HeightFactor[0] : HeightFactor.ToArray();
        config["width_factor"] = WidthFactor.Count == 1 ? WidthFactor[0] : WidthFactor.ToArray();
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
