using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>layers.RandomZoom</c>: while training, zooms each image about its centre by 1 + a draw from the
/// factors (positive zooms out, negative zooms in), filling by <c>fillMode</c>; identity in inference.
/// </summary>
public sealed class RandomZoom : Layer
{
    readonly Generator _generator;
    readonly (double Lower, double Upper) _height;
    readonly (double Lower, double Upper)? _width;

    /// <summary>Creates the layer.</summary>
    /// <param name="heightFactor">f means [-f, f]; or a (lower, upper) pair; each value above -1.</param>
    /// <param name="widthFactor">The same for the width; null zooms both sides alike, keeping the aspect ratio.</param>
    /// <param name="fillMode">"reflect" (default), "wrap", "constant" or "nearest".</param>
    /// <param name="interpolation">"bilinear" (default) or "nearest".</param>
    /// <param name="seed">Seed of the layer's generator.</param>
    /// <param name="fillValue">The constant for fillMode "constant".</param>
    /// <param name="name">Optional layer name.</param>
    public RandomZoom(double[] heightFactor, double[]? widthFactor = null, string fillMode = "reflect", string interpolation = "bilinear", long? seed = null, double fillValue = 0, string? name = null) : base(name)
    {
        _height = Augmentation.Range(heightFactor, "RandomZoom", nameof(heightFactor));
        _width = widthFactor is null ? null : Augmentation.Range(widthFactor, "RandomZoom", nameof(widthFactor));
        if (_height.Lower <= -1 || _width is { Lower: <= -1 })
            throw new ArgumentOutOfRangeException(nameof(heightFactor), "RandomZoom: factors must be above -1 (a zoom of 1 + factor must stay positive).");
        GeometricAugmentation.Check("RandomZoom", fillMode, interpolation);
        (HeightFactor, WidthFactor, FillMode, Interpolation, Seed, FillValue) = ([.. heightFactor], widthFactor?.ToArray(), fillMode, interpolation, seed, fillValue);
        _generator = Augmentation.NewGenerator(seed);
    }

    /// <summary>Creates the layer with symmetric factors.</summary>
    /// <param name="heightFactor">Zoom in [-f, f] of the height.</param>
    /// <param name="widthFactor">Zoom in [-f, f] of the width; null follows the height.</param>
    /// <param name="fillMode">See the other constructor.</param>
    /// <param name="interpolation">See the other constructor.</param>
    /// <param name="seed">See the other constructor.</param>
    /// <param name="fillValue">See the other constructor.</param>
    /// <param name="name">Optional layer name.</param>
    public RandomZoom(double heightFactor, double? widthFactor = null, string fillMode = "reflect", string interpolation = "bilinear", long? seed = null, double fillValue = 0, string? name = null)
        : this([heightFactor], widthFactor is double wf ? [wf] : null, fillMode, interpolation, seed, fillValue, name) { }

    /// <summary>The height factor as given.</summary>
    public IReadOnlyList<double> HeightFactor { get; }

    /// <summary>The width factor as given, or null.</summary>
    public IReadOnlyList<double>? WidthFactor { get; }

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
        return Augmentation.OnBatch(inputs, "RandomZoom", x =>
        {
            using var scope = NewDisposeScope();
            long n = x.shape[0];
            double h = x.shape[1], w = x.shape[2];
            var zy = Augmentation.UniformValues(n, _height, _generator);
            var zx = _width is { } width ? Augmentation.UniformValues(n, width, _generator) : zy;
            var rows = new double[n * 8];
            for (long i = 0; i < n; i++)
            {
                double sx = zx[i] + 1, sy = zy[i] + 1;
                new[] { sx, 0, (w - 1) / 2 * (1 - sx), 0, sy, (h - 1) / 2 * (1 - sy), 0, 0 }.CopyTo(rows, i * 8);
            }
            var transforms = Augmentation.Transforms(rows, n, x.device);
            return GeometricAugmentation.Apply(x, transforms, Interpolation, FillMode, FillValue).MoveToOuterDisposeScope();
        });
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["height_factor"] = HeightFactor.Count == 1 ? HeightFactor[0] : HeightFactor.ToArray();
        config["width_factor"] = WidthFactor is null ? null : WidthFactor.Count == 1 ? WidthFactor[0] : WidthFactor.ToArray();
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
