using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Preprocessing;

// Random draws, the transform itself and standardization.
public sealed partial class ImageDataGenerator
{
    /// <summary>
    /// Keras's <c>tf.keras.preprocessing.image.ImageDataGenerator.get_random_transform</c>: draws one image's transform, in Keras's order (rotation,
    /// vertical shift, horizontal shift, shear, zooms, flips, channel shift, brightness).
    /// </summary>
    /// <param name="imageShape">(height, width, channels) of the image; shift fractions are of these sides.</param>
    /// <param name="seed">Seeds this draw alone (the same seed gives the same transform everywhere); null draws from
    /// the generator's own stream.</param>
    /// <returns>The parameters for <see cref="ApplyTransform"/>.</returns>
    public TransformParameters GetRandomTransform(long[] imageShape, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(imageShape);
        if (imageShape.Length != 3)
            throw new ArgumentException($"ImageDataGenerator.GetRandomTransform: imageShape must be (height, width, channels); got ({string.Join(", ", imageShape)}).", nameof(imageShape));
        if (seed is long s) return Draw(new DeterministicRandom(DeterministicRandom.Mix(s, 0)), imageShape[0], imageShape[1]);
        lock (_randomLock) return Draw(_random, imageShape[0], imageShape[1]);
    }

    /// <summary>The random stream of one image's transform: a function of the seed, the epoch and the image's index only.</summary>
    internal static DeterministicRandom SampleRandom(long seed, long epoch, long index) =>
        new(DeterministicRandom.Mix(unchecked((long)DeterministicRandom.Mix(seed, epoch)), index));

    /// <summary>Keras's draws, from <paramref name="random"/>, for an image of <paramref name="height"/> x <paramref name="width"/>.</summary>
    internal TransformParameters Draw(DeterministicRandom random, long height, long width)
    {
        double theta = RotationRange != 0 ? ShiftRange.Uniform(random, -RotationRange, RotationRange) : 0;
        double tx = HeightShiftRange.IsEnabled ? HeightShiftRange.Draw(random, height) : 0;
        double ty = WidthShiftRange.IsEnabled ? WidthShiftRange.Draw(random, width) : 0;
        double shear = ShearRange != 0 ? ShiftRange.Uniform(random, -ShearRange, ShearRange) : 0;
        double zx = 1, zy = 1;
        if (ZoomRange.IsEnabled)
        {
            zx = ShiftRange.Uniform(random, ZoomRange.Lower, ZoomRange.Upper);
            zy = ShiftRange.Uniform(random, ZoomRange.Lower, ZoomRange.Upper);
        }
        // Keras draws both coins whether or not flips are on.
        bool flipHorizontal = random.NextDouble() < 0.5 && HorizontalFlip;
        bool flipVertical = random.NextDouble() < 0.5 && VerticalFlip;
        double? channelShift = ChannelShiftRange != 0 ? ShiftRange.Uniform(random, -ChannelShiftRange, ChannelShiftRange) : null;
        double? brightness = BrightnessRange is var (lo, hi) ? ShiftRange.Uniform(random, lo, hi) : null;
        return new TransformParameters(theta, tx, ty, shear, zx, zy, flipHorizontal, flipVertical, channelShift, brightness);
    }

    /// <summary>
    /// Keras's <c>tf.keras.preprocessing.image.ImageDataGenerator.apply_transform</c>: the affine map (rotation, shift, shear, zoom about the
    /// centre, sampled like <c>scipy.ndimage.affine_transform</c> with this generator's <see cref="FillMode"/>,
    /// <see cref="Cval"/> and <see cref="InterpolationOrder"/>), then the channel shift, the flips and the brightness.
    /// </summary>
    /// <param name="x">One image (height, width, channels) or a batch (batch, height, width, channels), any real dtype;
    /// a batch gets the same transform for every image.</param>
    /// <param name="parameters">The transform, e.g. from <see cref="GetRandomTransform"/>.</param>
    /// <returns>float32 of <paramref name="x"/>'s shape.</returns>
    /// <remarks>The brightness step is keras_preprocessing 1.1's: the image goes through PIL as 8 bits (first shifted
    /// so its minimum is at least 0 and scaled so its maximum is 255), each value becomes floor(brightness · value)
    /// clipped to [0, 255], and the result stays on that 0-255 scale.</remarks>
    public Tensor ApplyTransform(Tensor x, TransformParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(parameters);
        return Image.Batched(x, "ImageDataGenerator.ApplyTransform", batch =>
        {
            var all = new TransformParameters[batch.shape[0]];
            Array.Fill(all, parameters);
            using var f = batch.to_type(ScalarType.Float32);
            return ApplyTransforms(f, all);
        });
    }

    /// <summary>Keras's <c>tf.keras.preprocessing.image.ImageDataGenerator.random_transform</c>: <see cref="GetRandomTransform"/> then <see cref="ApplyTransform"/>.</summary>
    /// <param name="x">One image (height, width, channels).</param>
    /// <param name="seed">Seeds the draw; null uses the generator's stream.</param>
    /// <returns>The transformed float32 image.</returns>
    public Tensor RandomTransform(Tensor x, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 3)
            throw new ArgumentException($"ImageDataGenerator.RandomTransform: expected one image (height, width, channels); got shape ({string.Join(", ", x.shape)}).", nameof(x));
        return ApplyTransform(x, GetRandomTransform(x.shape, seed));
    }

    /// <summary>Applies one transform per image of a float32 (batch, height, width, channels) tensor.</summary>
    internal Tensor ApplyTransforms(Tensor x, IReadOnlyList<TransformParameters> parameters)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], h = x.shape[1], w = x.shape[2];
        var device = x.device;
        Tensor result = x.alias();

        // The affine map, in one warp for every image that has one (Keras leaves the others untouched).
        var warped = Enumerable.Range(0, (int)n).Where(i => !parameters[i].IsAffineIdentity).ToArray();
        if (warped.Length > 0)
        {
            var rows = new double[warped.Length * 8];
            for (int k = 0; k < warped.Length; k++) AffineRow(parameters[warped[k]], h, w).CopyTo(rows, k * 8);
            using var transforms = tensor(rows, [warped.Length, 8], ScalarType.Float64);
            using var index = tensor(warped.Select(i => (long)i).ToArray(), ScalarType.Int64, device);
            using var selected = result.index_select(0, index);
            using var moved = Image.AffineTransformNdimage(selected, transforms, Interpolation, FillMode, Cval);
            result = warped.Length == n ? moved.alias() : result.index_copy(0, index, moved);
        }

        // Channel shift: + intensity, clipped to the image's own range (over all channels).
        if (parameters.Any(p => p.ChannelShiftIntensity is not null))
        {
            using var intensity = PerImage(parameters.Select(p => p.ChannelShiftIntensity ?? 0), device);
            using var low = result.amin([1, 2, 3], keepdim: true);
            using var high = result.amax([1, 2, 3], keepdim: true);
            result = result.add(intensity).maximum(low).minimum(high);
        }

        if (parameters.Any(p => p.FlipHorizontal))
            result = where(PerImageMask(parameters.Select(p => p.FlipHorizontal), device), result.flip(2), result);
        if (parameters.Any(p => p.FlipVertical))
            result = where(PerImageMask(parameters.Select(p => p.FlipVertical), device), result.flip(1), result);

        if (parameters.Any(p => p.Brightness is not null))
            result = where(PerImageMask(parameters.Select(p => p.Brightness is not null), device),
                Brightness(result, PerImage(parameters.Select(p => p.Brightness ?? 1), device)), result);

        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// keras_preprocessing's apply_affine_transform matrix, about the centre (h / 2 + 0.5, w / 2 + 0.5) in (row, column)
    /// coordinates, as the (a0, a1, a2, b0, b1, b2, c0, c1) row of <see cref="Image.AffineTransform"/> (x = column).
    /// </summary>
    internal static double[] AffineRow(TransformParameters p, long h, long w)
    {
        var m = Identity();
        if (p.Theta != 0)
        {
            double theta = p.Theta * (Math.PI / 180);
            m = Multiply(m, new[,] { { Math.Cos(theta), -Math.Sin(theta), 0 }, { Math.Sin(theta), Math.Cos(theta), 0 }, { 0, 0, 1 } });
        }
        if (p.Tx != 0 || p.Ty != 0) m = Multiply(m, new double[,] { { 1, 0, p.Tx }, { 0, 1, p.Ty }, { 0, 0, 1 } });
        if (p.Shear != 0)
        {
            double shear = p.Shear * (Math.PI / 180);
            m = Multiply(m, new[,] { { 1, -Math.Sin(shear), 0 }, { 0, Math.Cos(shear), 0 }, { 0, 0, 1 } });
        }
        if (p.Zx != 1 || p.Zy != 1) m = Multiply(m, new[,] { { p.Zx, 0, 0 }, { 0, p.Zy, 0 }, { 0, 0, 1 } });
        double oRow = h / 2.0 + 0.5, oCol = w / 2.0 + 0.5;
        m = Multiply(Multiply(new[,] { { 1, 0, oRow }, { 0, 1, oCol }, { 0, 0, 1 } }, m), new[,] { { 1, 0, -oRow }, { 0, 1, -oCol }, { 0, 0, 1 } });
        // Input (row, col) = M (row, col, 1): the column is x, the row is y.
        return [m[1, 1], m[1, 0], m[1, 2], m[0, 1], m[0, 0], m[0, 2], 0, 0];

        static double[,] Identity() => new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        static double[,] Multiply(double[,] a, double[,] b)
        {
            var c = new double[3, 3];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    c[i, j] = a[i, 0] * b[0, j] + a[i, 1] * b[1, j] + a[i, 2] * b[2, j];
            return c;
        }
    }

    /// <summary>
    /// keras_preprocessing 1.1's apply_brightness_shift on float images: array_to_img's 8-bit scaling (shift the
    /// minimum up to 0 if negative, divide by the maximum, times 255, truncated), then PIL's Brightness blend with black,
    /// floor(factor · value) in single precision, clipped to [0, 255].
    /// </summary>
    static Tensor Brightness(Tensor x, Tensor factor)
    {
        using var zero = 0.ToScalar();
        using var byteMax = 255.ToScalar();
        using var shift = x.amin([1, 2, 3], keepdim: true).neg().clamp_min(zero);
        using var shifted = x.add(shift);
        using var max = shifted.amax([1, 2, 3], keepdim: true);
        using var divisor = where(max.eq(zero), ones_like(max), max);
        using var scaled = shifted.div(divisor).mul_(byteMax).trunc_();
        using var blended = scaled.mul(factor.to_type(ScalarType.Float32));
        return blended.clamp(zero, byteMax).trunc_();
    }

    static Tensor PerImage(IEnumerable<double> values, Device device)
    {
        var v = values.Select(d => (float)d).ToArray();
        return tensor(v, [v.Length, 1, 1, 1], ScalarType.Float32, device);
    }

    static Tensor PerImageMask(IEnumerable<bool> values, Device device)
    {
        var v = values.ToArray();
        return tensor(v, [v.Length, 1, 1, 1], ScalarType.Bool, device);
    }

    /// <summary>
    /// Keras's <c>tf.keras.preprocessing.image.ImageDataGenerator.standardize</c>: the preprocessing function, rescale, samplewise centering and std normalization
    /// (per image: mean and population standard deviation + 1e-6 over all its values), then the featurewise mean, std
    /// (+ 1e-6) and ZCA matrix from <see cref="Fit"/>.
    /// </summary>
    /// <param name="x">One image (height, width, channels) or a batch, standardized image by image.</param>
    /// <returns>A new float32 tensor of <paramref name="x"/>'s shape.</returns>
    /// <exception cref="InvalidOperationException">Featurewise standardization or ZCA whitening is on but <see cref="Fit"/> was not called.</exception>
    public Tensor Standardize(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Image.Batched(x, "ImageDataGenerator.Standardize", batch =>
        {
            using var f = batch.to_type(ScalarType.Float32);
            return StandardizeBatch(f);
        });
    }

    internal Tensor StandardizeBatch(Tensor x)
    {
        using var scope = NewDisposeScope();
        var result = x.alias();
        if (PreprocessingFunction is { } function)
        {
            var images = new Tensor[result.shape[0]];
            for (int i = 0; i < images.Length; i++)
            {
                using var image = result[i];
                var output = function(image);
                if (output.dim() != 3)
                    throw new InvalidOperationException($"ImageDataGenerator: preprocessingFunction must return one image (height, width, channels); got shape ({string.Join(", ", output.shape)}).");
                images[i] = output.to_type(ScalarType.Float32);
            }
            result = stack(images);
        }
        if (Rescale is double r && r != 0)
        {
            using var factor = r.ToScalar();
            result = result.mul(factor);
        }
        if (SamplewiseCenter) result = result - result.mean([1, 2, 3], keepdim: true);
        if (SamplewiseStdNormalization)
        {
            using var epsilon = 1e-6.ToScalar();
            result = result / result.std([1, 2, 3], unbiased: false, keepdim: true).add_(epsilon);
        }
        if (FeaturewiseCenter)
        {
            if (Mean is null) throw NotFitted(nameof(FeaturewiseCenter));
            CheckChannels(result, Mean.Length);
            result = result - tensor(Mean, ScalarType.Float32, result.device);
        }
        if (FeaturewiseStdNormalization)
        {
            if (Std is null) throw NotFitted(nameof(FeaturewiseStdNormalization));
            using var epsilon = 1e-6.ToScalar();
            result = result / tensor(Std, ScalarType.Float32, result.device).add_(epsilon);
        }
        if (ZcaWhitening)
        {
            if (_principalComponents is null) throw NotFitted(nameof(ZcaWhitening));
            long features = result.shape[1] * result.shape[2] * result.shape[3];
            if (features != _principalComponents.shape[0])
                throw new ArgumentException($"ImageDataGenerator: the ZCA matrix was fitted on images of {_principalComponents.shape[0]} values, but these have {features} ({string.Join(", ", result.shape.Skip(1))}).", "x");
            result = result.reshape(result.shape[0], features).matmul(_principalComponents.to(result.device)).reshape(result.shape);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Images per chunk when <see cref="Fit"/> accumulates its statistics.</summary>
    const int FitChunk = 1024;

    static void CheckChannels(Tensor x, int channels)
    {
        if (x.shape[^1] != channels)
            throw new ArgumentException($"ImageDataGenerator: Fit saw images with {channels} channels, but these have {x.shape[^1]}.", "x");
    }

    static InvalidOperationException NotFitted(string argument) =>
        new($"ImageDataGenerator: {argument} is on, but the generator has not been fitted on any training data; call Fit(x) first.");

    /// <summary>
    /// Keras's <c>tf.keras.preprocessing.image.ImageDataGenerator.fit</c>: computes the featurewise statistics (per-channel mean and population
    /// standard deviation over every image and pixel, and the ZCA matrix) that <see cref="Standardize"/> uses.
    /// </summary>
    /// <param name="x">(batch, height, width, channels) images, any real dtype.</param>
    /// <param name="augment">Fit on <paramref name="rounds"/> randomly transformed copies of the data instead.</param>
    /// <param name="rounds">How many augmented copies, with <paramref name="augment"/>.</param>
    /// <param name="seed">Seed of the augmentation draws.</param>
    public void Fit(Tensor x, bool augment = false, int rounds = 1, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4)
            throw new ArgumentException($"ImageDataGenerator.Fit: input should have rank 4 (batch, height, width, channels); got shape ({string.Join(", ", x.shape)}).", nameof(x));
        if (x.shape[0] == 0) throw new ArgumentException("ImageDataGenerator.Fit: x has no images.", nameof(x));
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), rounds, $"ImageDataGenerator.Fit: rounds must be >= 1; got {rounds}.");
        using var scope = NewDisposeScope();
        var data = x;
        if (augment)
        {
            long s = RandomSeed.GetSeed(seed);
            var copies = new List<Tensor>();
            using var f = x.to_type(ScalarType.Float32);
            for (int r = 0; r < rounds; r++)
            {
                var parameters = Enumerable.Range(0, (int)x.shape[0])
                    .Select(i => Draw(SampleRandom(s, r, i), x.shape[1], x.shape[2]))
                    .ToArray();
                copies.Add(ApplyTransforms(f, parameters));
            }
            data = cat(copies, 0);
        }
        // Statistics accumulated in double over chunks of images, so a CIFAR-sized array is never copied whole.
        long count = data.shape[0] * data.shape[1] * data.shape[2];
        using var countScalar = count.ToScalar();
        IEnumerable<Tensor> Chunks()
        {
            for (long start = 0; start < data.shape[0]; start += FitChunk)
            {
                using var chunk = data.slice(0, start, Math.Min(start + FitChunk, data.shape[0]), 1);
                yield return chunk.to_type(ScalarType.Float64);
            }
        }
        Tensor? mean = null, std = null;
        if (FeaturewiseCenter)
        {
            var sum = zeros(data.shape[3], ScalarType.Float64, data.device);
            foreach (var chunk in Chunks())
                using (chunk)
                    sum.add_(chunk.sum([0, 1, 2]));
            mean = sum.div_(countScalar);
            Mean = [.. mean.to_type(ScalarType.Float32).cpu().data<float>()];
        }
        if (FeaturewiseStdNormalization)
        {
            var squares = zeros(data.shape[3], ScalarType.Float64, data.device);
            foreach (var chunk in Chunks())
                using (chunk)
                {
                    chunk.sub_(mean!);
                    using var square = chunk.mul(chunk);
                    squares.add_(square.sum([0, 1, 2]));
                }
            std = squares.div_(countScalar).sqrt_();
            Std = [.. std.to_type(ScalarType.Float32).cpu().data<float>()];
        }
        if (ZcaWhitening)
        {
            // sigma = X^T X / n over the centred images (featurewise std is off with ZCA, as in Keras).
            long n = data.shape[0];
            long features = data.shape[1] * data.shape[2] * data.shape[3];
            var sigma = zeros([features, features], ScalarType.Float64, data.device);
            foreach (var chunk in Chunks())
                using (chunk)
                {
                    using var flat = chunk.sub_(mean!).reshape(chunk.shape[0], features);
                    sigma.add_(flat.t().matmul(flat));
                }
            using var images = n.ToScalar();
            using var epsilon = ZcaEpsilon.ToScalar();
            sigma.div_(images);
            var (u, singular, _) = linalg.svd(sigma);
            var inverseRoot = singular.add(epsilon).rsqrt().unsqueeze(0);
            var components = (u * inverseRoot).matmul(u.t()).to_type(ScalarType.Float32);
            _principalComponents?.Dispose();
            _principalComponents = components.MoveToOuterDisposeScope();
        }
    }
}
