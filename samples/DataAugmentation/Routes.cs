using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Models.Preprocessing;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The three ways to augment that the chapter compares, each with the same kind of change (mirror left-right, shift
/// by up to ~10%, and where the route has them a small rotation and zoom):
/// image-ops: tf.image random ops in the input pipeline (<c>dataset.map(augment)</c>);
/// layers: Keras preprocessing layers in the model, active only while training;
/// generator: Keras's ImageDataGenerator, its Flow passed to Fit.
/// </summary>
internal static class Routes
{
    // Kept alive for the process: TorchSharp's temporary Scalars can be finalized during the native call.
    static readonly Scalar ByteMax = 255.0.ToScalar();

    /// <summary>uint8 pixels to the tutorial's floats in [0, 1] (<c>x / 255.0</c>).</summary>
    public static Tensor ToFloat(Tensor images) => images.to_type(ScalarType.Float32).div_(ByteMax);

    /// <summary>
    /// The tf.image route on one image, as the tutorial's <c>augment(image, label)</c> for <c>dataset.map</c>:
    /// random_flip_left_right, then pad to 40x40 and random_crop back to 32x32 (a shift of up to 4 pixels).
    /// </summary>
    public static Tensor ImageOps(Tensor image, Generator generator)
    {
        var x = ToFloat(image);
        x = Image.RandomFlipLeftRight(x, generator);
        x = Image.PadToBoundingBox(x, 4, 4, 40, 40);
        return Image.RandomCrop(x, 32, 32, generator);
    }

    /// <summary>The training batches of the image-ops route: shuffle, augment each image in parallel, batch, prefetch.</summary>
    public static Dataset<(Tensor, Tensor)> ImageOpsDataset((Tensor X, Tensor Y) train, int batchSize, long seed)
    {
        var generator = new Generator((ulong)seed);
        return Dataset.FromTensorSlices(train.X, train.Y)
            .Shuffle((int)train.X.shape[0], seed: seed)
            .Map((image, label) => (ImageOps(image, generator), label), numParallelCalls: Dataset.Autotune, name: "augment")
            .Batch(batchSize)
            .Prefetch();
    }

    /// <summary>The layers route's augmentation, as in Keras's data augmentation tutorial.</summary>
    public static Layer[] AugmentationLayers(long seed) =>
    [
        new RandomFlip("horizontal", seed: seed),
        new RandomRotation(15 / 360.0, seed: seed + 1),      // up to 15 degrees either way
        new RandomTranslation(0.1, 0.1, seed: seed + 2),
        new RandomZoom(0.1, seed: seed + 3),
    ];

    /// <summary>The generator route: Keras's ImageDataGenerator with the same changes, rescaling each batch to [0, 1].</summary>
    public static ImageDataGenerator Generator() => new(
        rotationRange: 15,
        widthShiftRange: 0.1,
        heightShiftRange: 0.1,
        zoomRange: 0.1,
        horizontalFlip: true,
        rescale: 1 / 255.0);
}
