using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Keras's <c>tf.keras.preprocessing.image.ImageDataGenerator</c> (keras_preprocessing): random rotations, shifts, shears, zooms, flips, channel
/// shifts and brightness changes per image, then rescaling and sample- or feature-wise standardization, served as
/// batches by <see cref="Flow(Tensor, Tensor, int, bool, long?, string?)"/> (in-memory arrays) or <see cref="FlowFromDirectory"/> (a class-per-folder image tree).
/// The geometry is exactly Keras's: the affine map of <c>apply_affine_transform</c> about the centre (row, column) =
/// (h / 2 + 0.5, w / 2 + 0.5), sampled as <c>scipy.ndimage.affine_transform</c> does with <c>order</c> 0 or 1 and
/// its fill modes, through <see cref="Image"/>'s one affine warp.
/// </summary>
/// <remarks>
/// What <see cref="Flow(Tensor, Tensor, int, bool, long?, string?)"/> and <see cref="FlowFromDirectory"/> return is a <see cref="Dataset{T}"/> of (images, labels)
/// batches that <c>model.Fit</c> takes as training or validation data; its plan is
/// <c>Range -> Shuffle(seed) -> Batch -> Map(transform)</c>. Random draws come from the pipeline's seeded generator:
/// each image's transform depends only on the seed, the epoch and the image's index, so the same seed gives the same
/// batches in every process.
/// </remarks>
public sealed partial class ImageDataGenerator
{
    readonly DeterministicRandom _random = new((ulong)RandomSeed.GetSeed(null));
    readonly object _randomLock = new();
    Tensor? _principalComponents;

    /// <summary>Creates a generator; the arguments are Keras's, in its order.</summary>
    /// <param name="featurewiseCenter">Subtract the per-channel mean over the data given to <see cref="Fit"/>.</param>
    /// <param name="samplewiseCenter">Subtract each image's own mean.</param>
    /// <param name="featurewiseStdNormalization">Divide by the per-channel standard deviation from <see cref="Fit"/> (implies featurewise centering, as in Keras).</param>
    /// <param name="samplewiseStdNormalization">Divide each image by its own standard deviation (implies samplewise centering).</param>
    /// <param name="zcaWhitening">Apply ZCA whitening fitted by <see cref="Fit"/> (implies featurewise centering and
    /// turns off featurewise std normalization, as in Keras). Costs a (h w c)² matrix: small images only.</param>
    /// <param name="zcaEpsilon">Epsilon of the ZCA whitening.</param>
    /// <param name="rotationRange">Rotations drawn uniformly from [-r, r] degrees.</param>
    /// <param name="widthShiftRange">Horizontal shifts (see <see cref="ShiftRange"/>): 0.1 is up to 10% of the width.</param>
    /// <param name="heightShiftRange">Vertical shifts (see <see cref="ShiftRange"/>).</param>
    /// <param name="brightnessRange">Brightness factors drawn from (lower, upper), e.g. (0.5, 1.5); null for none.</param>
    /// <param name="shearRange">Shear angles drawn from [-s, s] degrees.</param>
    /// <param name="zoomRange">Zoom factors (see <see cref="ZoomRange"/>): 0.2 draws row and column zooms from [0.8, 1.2].</param>
    /// <param name="channelShiftRange">Channel shifts drawn from [-c, c], added to every channel.</param>
    /// <param name="fillMode">How points outside the image are filled: "nearest" (default), "reflect", "wrap" or "constant" (scipy.ndimage's modes).</param>
    /// <param name="cval">The fill value for "constant".</param>
    /// <param name="horizontalFlip">Mirror left-right with probability 1/2.</param>
    /// <param name="verticalFlip">Mirror top-bottom with probability 1/2.</param>
    /// <param name="rescale">Multiply every image by this after the augmentation (e.g. 1.0 / 255); null or 0 for none.</param>
    /// <param name="preprocessingFunction">Runs first in <see cref="Standardize"/>, on each (height, width, channels) float32 image.</param>
    /// <param name="validationSplit">Fraction of the data reserved for validation, chosen with <c>subset</c> in <see cref="Flow(Tensor, Tensor, int, bool, long?, string?)"/> / <see cref="FlowFromDirectory"/>.</param>
    /// <param name="interpolationOrder">scipy's spline order: 1 (bilinear, default) or 0 (nearest); higher orders are not supported.</param>
    /// <exception cref="ArgumentException">An argument is out of range or unknown; the message names it with the expected and the actual value.</exception>
    /// <exception cref="NotSupportedException"><paramref name="interpolationOrder"/> is 2 to 5.</exception>
    public ImageDataGenerator(
        bool featurewiseCenter = false,
        bool samplewiseCenter = false,
        bool featurewiseStdNormalization = false,
        bool samplewiseStdNormalization = false,
        bool zcaWhitening = false,
        double zcaEpsilon = 1e-6,
        double rotationRange = 0,
        ShiftRange widthShiftRange = default,
        ShiftRange heightShiftRange = default,
        (double Lower, double Upper)? brightnessRange = null,
        double shearRange = 0,
        ZoomRange zoomRange = default,
        double channelShiftRange = 0,
        string fillMode = "nearest",
        double cval = 0,
        bool horizontalFlip = false,
        bool verticalFlip = false,
        double? rescale = null,
        Func<Tensor, Tensor>? preprocessingFunction = null,
        double validationSplit = 0,
        int interpolationOrder = 1)
    {
        CheckNonNegative(rotationRange, nameof(rotationRange), "degrees");
        CheckNonNegative(shearRange, nameof(shearRange), "degrees");
        CheckNonNegative(channelShiftRange, nameof(channelShiftRange), "intensity");
        widthShiftRange.Check(nameof(widthShiftRange));
        heightShiftRange.Check(nameof(heightShiftRange));
        // default(ZoomRange) is Keras's default zoom_range=0: no zoom.
        if (zoomRange == default) zoomRange = 0.0;
        zoomRange.Check(nameof(zoomRange));
        if (brightnessRange is var (lo, hi) && !(lo >= 0 && hi >= lo && !double.IsInfinity(hi)))
            throw new ArgumentOutOfRangeException(nameof(brightnessRange), brightnessRange, $"ImageDataGenerator: brightnessRange must be a (lower, upper) pair with 0 <= lower <= upper; got ({lo}, {hi}).");
        if (!Image.FillModes.Contains(fillMode))
            throw new ArgumentException($"ImageDataGenerator: fillMode must be one of \"nearest\", \"reflect\", \"wrap\", \"constant\"; got \"{fillMode}\".", nameof(fillMode));
        if (validationSplit != 0 && !(validationSplit > 0 && validationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, $"ImageDataGenerator: validationSplit must be strictly between 0 and 1 (or 0 for none); got {validationSplit}.");
        if (interpolationOrder is >= 2 and <= 5)
            throw new NotSupportedException($"ImageDataGenerator: interpolationOrder {interpolationOrder} (a scipy spline of order 2-5) is not supported; use 1 (bilinear) or 0 (nearest).");
        if (interpolationOrder is not (0 or 1))
            throw new ArgumentOutOfRangeException(nameof(interpolationOrder), interpolationOrder, $"ImageDataGenerator: interpolationOrder must be 0 (nearest) or 1 (bilinear); got {interpolationOrder}.");
        if (!(zcaEpsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(zcaEpsilon), zcaEpsilon, $"ImageDataGenerator: zcaEpsilon must be > 0; got {zcaEpsilon}.");

        // Keras's implications between the standardization switches.
        if (zcaWhitening)
        {
            featurewiseCenter = true;
            featurewiseStdNormalization = false;
        }
        if (featurewiseStdNormalization) featurewiseCenter = true;
        if (samplewiseStdNormalization) samplewiseCenter = true;

        (FeaturewiseCenter, SamplewiseCenter, FeaturewiseStdNormalization, SamplewiseStdNormalization, ZcaWhitening, ZcaEpsilon) =
            (featurewiseCenter, samplewiseCenter, featurewiseStdNormalization, samplewiseStdNormalization, zcaWhitening, zcaEpsilon);
        (RotationRange, WidthShiftRange, HeightShiftRange, BrightnessRange, ShearRange, ZoomRange, ChannelShiftRange) =
            (rotationRange, widthShiftRange, heightShiftRange, brightnessRange, shearRange, zoomRange, channelShiftRange);
        (FillMode, Cval, HorizontalFlip, VerticalFlip, Rescale, PreprocessingFunction, ValidationSplit, InterpolationOrder) =
            (fillMode, cval, horizontalFlip, verticalFlip, rescale, preprocessingFunction, validationSplit, interpolationOrder);
    }

    static void CheckNonNegative(double value, string argument, string unit)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(argument, value, $"ImageDataGenerator: {argument} must be a finite number >= 0 ({unit}, drawn from [-r, r]); got {value}.");
    }

    /// <summary>Subtract the per-channel mean from <see cref="Fit"/>.</summary>
    public bool FeaturewiseCenter { get; }

    /// <summary>Subtract each image's mean.</summary>
    public bool SamplewiseCenter { get; }

    /// <summary>Divide by the per-channel standard deviation from <see cref="Fit"/>.</summary>
    public bool FeaturewiseStdNormalization { get; }

    /// <summary>Divide each image by its standard deviation.</summary>
    public bool SamplewiseStdNormalization { get; }

    /// <summary>Apply the ZCA whitening fitted by <see cref="Fit"/>.</summary>
    public bool ZcaWhitening { get; }

    /// <summary>Epsilon of the ZCA whitening.</summary>
    public double ZcaEpsilon { get; }

    /// <summary>Rotation range in degrees.</summary>
    public double RotationRange { get; }

    /// <summary>Horizontal shift range.</summary>
    public ShiftRange WidthShiftRange { get; }

    /// <summary>Vertical shift range.</summary>
    public ShiftRange HeightShiftRange { get; }

    /// <summary>Brightness factor range, or null.</summary>
    public (double Lower, double Upper)? BrightnessRange { get; }

    /// <summary>Shear range in degrees.</summary>
    public double ShearRange { get; }

    /// <summary>Zoom range (lower, upper); (1, 1) is none.</summary>
    public ZoomRange ZoomRange { get; }

    /// <summary>Channel shift range.</summary>
    public double ChannelShiftRange { get; }

    /// <summary>"nearest", "reflect", "wrap" or "constant".</summary>
    public string FillMode { get; }

    /// <summary>The fill value for "constant".</summary>
    public double Cval { get; }

    /// <summary>Random left-right mirroring.</summary>
    public bool HorizontalFlip { get; }

    /// <summary>Random top-bottom mirroring.</summary>
    public bool VerticalFlip { get; }

    /// <summary>The rescaling factor, or null.</summary>
    public double? Rescale { get; }

    /// <summary>The user's function run first in <see cref="Standardize"/>, or null.</summary>
    public Func<Tensor, Tensor>? PreprocessingFunction { get; }

    /// <summary>Fraction reserved for validation (0: none).</summary>
    public double ValidationSplit { get; }

    /// <summary>0 (nearest) or 1 (bilinear).</summary>
    public int InterpolationOrder { get; }

    /// <summary>The per-channel mean from <see cref="Fit"/> (Keras's <c>mean</c>), or null before it.</summary>
    public float[]? Mean { get; private set; }

    /// <summary>The per-channel standard deviation from <see cref="Fit"/> (Keras's <c>std</c>), or null.</summary>
    public float[]? Std { get; private set; }

    /// <summary>The ZCA matrix from <see cref="Fit"/> ((h w c, h w c) float32, Keras's <c>principal_components</c>), or null.
    /// The generator owns it.</summary>
    public Tensor? PrincipalComponents => _principalComponents;

    internal string Interpolation => InterpolationOrder == 0 ? "nearest" : "bilinear";
}
