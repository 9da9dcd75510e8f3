using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

// tf.image's flips, rotations, crops and pads. Each takes (height, width, channels) or (batch, height, width, channels)
// and returns a new tensor of the same rank and dtype.
public static partial class Image
{
    /// <summary><c>tf.image.flip_left_right</c>: mirrors the width axis.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    public static Tensor FlipLeftRight(Tensor image) => Batched(image, "FlipLeftRight", x => x.flip(2));

    /// <summary><c>tf.image.flip_up_down</c>: mirrors the height axis.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    public static Tensor FlipUpDown(Tensor image) => Batched(image, "FlipUpDown", x => x.flip(1));

    /// <summary><c>tf.image.rot90</c>: rotates by <paramref name="k"/> quarter turns counter-clockwise.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="k">Quarter turns; negative turns clockwise.</param>
    public static Tensor Rot90(Tensor image, int k = 1) => Batched(image, "Rot90", x => x.rot90(k, (1, 2)));

    /// <summary><c>tf.image.transpose</c>: swaps the height and width axes.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    public static Tensor Transpose(Tensor image) => Batched(image, "Transpose", x => x.transpose(1, 2).contiguous());

    /// <summary><c>tf.image.crop_to_bounding_box</c>: the window whose top-left corner is (<paramref name="offsetHeight"/>, <paramref name="offsetWidth"/>).</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="offsetHeight">First row kept.</param>
    /// <param name="offsetWidth">First column kept.</param>
    /// <param name="targetHeight">Rows kept.</param>
    /// <param name="targetWidth">Columns kept.</param>
    public static Tensor CropToBoundingBox(Tensor image, int offsetHeight, int offsetWidth, int targetHeight, int targetWidth) =>
        Batched(image, "CropToBoundingBox", x =>
        {
            var (h, w) = ((int)x.shape[1], (int)x.shape[2]);
            if (offsetHeight < 0 || offsetWidth < 0) throw new ArgumentOutOfRangeException(nameof(offsetHeight), $"CropToBoundingBox: offsets must be >= 0, but were ({offsetHeight}, {offsetWidth}).");
            if (targetHeight <= 0 || targetWidth <= 0) throw new ArgumentOutOfRangeException(nameof(targetHeight), $"CropToBoundingBox: target size must be positive, but was ({targetHeight}, {targetWidth}).");
            if (offsetHeight + targetHeight > h || offsetWidth + targetWidth > w)
                throw new ArgumentException($"CropToBoundingBox: the box rows {offsetHeight}..{offsetHeight + targetHeight} and columns {offsetWidth}..{offsetWidth + targetWidth} exceed the image's {h}x{w}.");
            return x[.., offsetHeight..(offsetHeight + targetHeight), offsetWidth..(offsetWidth + targetWidth), ..].contiguous();
        });

    /// <summary><c>tf.image.pad_to_bounding_box</c>: places the image at (<paramref name="offsetHeight"/>, <paramref name="offsetWidth"/>) in a zero canvas of the target size.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="offsetHeight">Zero rows added above.</param>
    /// <param name="offsetWidth">Zero columns added on the left.</param>
    /// <param name="targetHeight">Output height.</param>
    /// <param name="targetWidth">Output width.</param>
    public static Tensor PadToBoundingBox(Tensor image, int offsetHeight, int offsetWidth, int targetHeight, int targetWidth) =>
        Batched(image, "PadToBoundingBox", x =>
        {
            var (h, w) = ((int)x.shape[1], (int)x.shape[2]);
            if (offsetHeight < 0 || offsetWidth < 0) throw new ArgumentOutOfRangeException(nameof(offsetHeight), $"PadToBoundingBox: offsets must be >= 0, but were ({offsetHeight}, {offsetWidth}).");
            if (offsetHeight + h > targetHeight || offsetWidth + w > targetWidth)
                throw new ArgumentException($"PadToBoundingBox: a {h}x{w} image at ({offsetHeight}, {offsetWidth}) does not fit in {targetHeight}x{targetWidth}.");
            var canvas = zeros([x.shape[0], targetHeight, targetWidth, x.shape[3]], x.dtype, x.device);
            canvas[.., offsetHeight..(offsetHeight + h), offsetWidth..(offsetWidth + w), ..] = x;
            return canvas;
        });

    /// <summary><c>tf.image.central_crop</c>: keeps the central <paramref name="centralFraction"/> of each side.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="centralFraction">In (0, 1].</param>
    public static Tensor CentralCrop(Tensor image, double centralFraction)
    {
        if (!(centralFraction > 0 && centralFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(centralFraction), centralFraction, $"CentralCrop: centralFraction must be within (0, 1], but was {centralFraction}.");
        return Batched(image, "CentralCrop", x =>
        {
            var (h, w) = ((int)x.shape[1], (int)x.shape[2]);
            // TF: start = int((size - size * fraction) / 2), computed in float32; size = dim - 2 * start.
            int top = (int)((h - h * (float)centralFraction) / 2f), left = (int)((w - w * (float)centralFraction) / 2f);
            return x[.., top..(h - top), left..(w - left), ..].contiguous();
        });
    }

    /// <summary><c>tf.image.random_crop</c> of one window for the whole input: a uniformly placed <paramref name="height"/> x <paramref name="width"/> window.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="height">Window height.</param>
    /// <param name="width">Window width.</param>
    /// <param name="generator">Random source; null uses libtorch's default (seed it with <c>torch.manual_seed</c>).</param>
    [RandomOp]
    public static Tensor RandomCrop(Tensor image, int height, int width, Generator? generator = null) =>
        Batched(image, "RandomCrop", x =>
        {
            var (h, w) = ((int)x.shape[1], (int)x.shape[2]);
            if (height > h || width > w || height <= 0 || width <= 0)
                throw new ArgumentException($"RandomCrop: a {height}x{width} window does not fit in a {h}x{w} image.");
            int top = Draw(h - height + 1, generator), left = Draw(w - width + 1, generator);
            return x[.., top..(top + height), left..(left + width), ..].contiguous();
        });

    /// <summary><c>tf.image.stateless_random_crop</c>: <see cref="RandomCrop"/> fully determined by <paramref name="seed"/>.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="height">Window height.</param>
    /// <param name="width">Window width.</param>
    /// <param name="seed">Two integers, as TensorFlow's stateless ops take; the same seed gives the same window.</param>
    public static Tensor StatelessRandomCrop(Tensor image, int height, int width, (long, long) seed)
    {
        using var g = Stateless(seed);
        return RandomCrop(image, height, width, g);
    }

    /// <summary><c>tf.image.random_flip_left_right</c>: mirrors each image of the input with probability 1/2.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="generator">Random source; null uses libtorch's default.</param>
    [RandomOp]
    public static Tensor RandomFlipLeftRight(Tensor image, Generator? generator = null) => RandomFlip(image, 2, generator, "RandomFlipLeftRight");

    /// <summary><c>tf.image.random_flip_up_down</c>: flips each image of the input upside down with probability 1/2.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="generator">Random source; null uses libtorch's default.</param>
    [RandomOp]
    public static Tensor RandomFlipUpDown(Tensor image, Generator? generator = null) => RandomFlip(image, 1, generator, "RandomFlipUpDown");

    /// <summary><c>tf.image.stateless_random_flip_left_right</c>: <see cref="RandomFlipLeftRight"/> fully determined by <paramref name="seed"/>.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="seed">Two integers; the same seed gives the same flips.</param>
    public static Tensor StatelessRandomFlipLeftRight(Tensor image, (long, long) seed)
    {
        using var g = Stateless(seed);
        return RandomFlipLeftRight(image, g);
    }

    /// <summary><c>tf.image.stateless_random_flip_up_down</c>: <see cref="RandomFlipUpDown"/> fully determined by <paramref name="seed"/>.</summary>
    /// <param name="image">(height, width, channels) or (batch, height, width, channels).</param>
    /// <param name="seed">Two integers; the same seed gives the same flips.</param>
    public static Tensor StatelessRandomFlipUpDown(Tensor image, (long, long) seed)
    {
        using var g = Stateless(seed);
        return RandomFlipUpDown(image, g);
    }

    static Tensor RandomFlip(Tensor image, int axis, Generator? generator, string operation) =>
        Batched(image, operation, x =>
        {
            // One coin per image, as TF does for batches.
            long n = x.shape[0];
            using var coins = rand([n], generator: generator);
            using var half = 0.5.ToScalar();
            using var flip = coins.lt(half).to(ScalarType.Int64).to(x.device);
            // Gather each image from [originals; flipped] (index i or n + i) in one index_select: torch.where with a
            // per-image mask broadcast over the pixels runs libtorch's scalar kernel and was 1.6x slower on a CIFAR
            // batch (docs/benchmarks.md, cifar-profile); the indices stay on the device, so nothing waits for the coins.
            // Scalars held in using variables: TorchSharp's implicit temporaries (and add_'s default alpha) can be
            // finalized during the native call under GC pressure (SharedGeneratorTests caught "alpha must not be a
            // floating point number").
            using var count = n.ToScalar();
            using var one = 1L.ToScalar();
            using var offsets = flip.mul(count);
            using var pick = arange(n, ScalarType.Int64, x.device).add_(offsets, one);
            using var flipped = x.flip(axis);
            using var both = cat([x, flipped]);
            return both.index_select(0, pick);
        });

    /// <summary>Runs <paramref name="body"/> on a 4-D view and restores the caller's rank.</summary>
    internal static Tensor Batched(Tensor image, string operation, Func<Tensor, Tensor> body)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() == 4) return body(image);
        if (image.dim() != 3)
            throw new ArgumentException($"{operation}: expected an image of shape (height, width, channels) or a batch (batch, height, width, channels), but got shape [{string.Join(", ", image.shape)}].", nameof(image));
        using var batch = image.unsqueeze(0);
        using var result = body(batch);
        return result.squeeze(0);
    }

    static int Draw(int n, Generator? generator)
    {
        if (n <= 1) return 0;
        using var t = randint(0, n, [1], dtype: ScalarType.Int64, generator: generator);
        return (int)t.item<long>();
    }

    static Generator Stateless((long, long) seed) => new((ulong)DeterministicRandom.Mix(seed.Item1, seed.Item2));
}
