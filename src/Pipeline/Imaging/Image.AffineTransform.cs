using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

public static partial class Image
{
    /// <summary>The <c>fillMode</c> names <see cref="AffineTransform"/> accepts (Keras's).</summary>
    public static IReadOnlyList<string> FillModes { get; } = ["reflect", "wrap", "constant", "nearest"];

    /// <summary>
    /// <c>keras.ops.image.affine_transform</c> (TensorFlow's <c>ImageProjectiveTransformV3</c>): each output pixel (x, y)
    /// (column, row, pixel centres at integers) reads the input at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k) with
    /// k = c0 x + c1 y + 1, one transform per image.
    /// </summary>
    /// <param name="images">(batch, height, width, channels) or (height, width, channels); any real dtype (computed in float32).</param>
    /// <param name="transforms">(batch, 8) or (8): a0, a1, a2, b0, b1, b2, c0, c1.</param>
    /// <param name="interpolation">"bilinear" or "nearest".</param>
    /// <param name="fillMode">Outside the input: "reflect" (d c b a | a b c d | d c b a, about the edge of the last pixel),
    /// "wrap" (a b c d | a b c d), "constant" (k k | a b c d | k k, with <paramref name="fillValue"/>) or "nearest" (a a | a b c d | d d).</param>
    /// <param name="fillValue">The constant for "constant".</param>
    /// <returns>float32 images of the input's shape.</returns>
    public static Tensor AffineTransform(Tensor images, Tensor transforms, string interpolation = "bilinear", string fillMode = "constant", double fillValue = 0) =>
        Warp(images, transforms, interpolation, fillMode, fillValue, ndimageBoundaries: false);

    /// <summary>
    /// <see cref="AffineTransform"/> with <c>scipy.ndimage.affine_transform</c>'s boundaries (what Keras's
    /// <c>ImageDataGenerator</c> warps with, <c>order</c> 0 or 1): source coordinates in float64, "wrap" repeats with
    /// period size - 1 (the first and last pixels coincide), "constant" gives the fill value wherever the source
    /// coordinate lies outside [0, size - 1] (no blending with the fill value), "nearest" rounds halves up; "reflect"
    /// and clamped "nearest" fills are TensorFlow's and scipy's alike.
    /// </summary>
    internal static Tensor AffineTransformNdimage(Tensor images, Tensor transforms, string interpolation, string fillMode, double fillValue) =>
        Warp(images, transforms, interpolation, fillMode, fillValue, ndimageBoundaries: true);

    static Tensor Warp(Tensor images, Tensor transforms, string interpolation, string fillMode, double fillValue, bool ndimageBoundaries)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        if (interpolation is not ("bilinear" or "nearest"))
            throw new ArgumentException($"AffineTransform: interpolation must be \"bilinear\" or \"nearest\", but was \"{interpolation}\".", nameof(interpolation));
        if (!FillModes.Contains(fillMode))
            throw new ArgumentException($"AffineTransform: fillMode must be one of {string.Join(", ", FillModes.Select(m => $"\"{m}\""))}, but was \"{fillMode}\".", nameof(fillMode));
        return Batched(images, "AffineTransform", x =>
        {
            using var scope = NewDisposeScope();
            long n = x.shape[0], h = x.shape[1], w = x.shape[2], c = x.shape[3];
            var t = transforms.dim() == 1 ? transforms.unsqueeze(0).expand(n, 8) : transforms;
            if (t.shape[0] != n || t.shape[1] != 8)
                throw new ArgumentException($"AffineTransform: expected transforms of shape ({n}, 8), but got [{string.Join(", ", transforms.shape)}].", nameof(transforms));
            if (!ndimageBoundaries && interpolation == "bilinear" && fillMode != "wrap")
                return GridSample(x, t, fillMode, fillValue).MoveToOuterDisposeScope();
            // scipy computes coordinates and interpolates in double; TensorFlow in float32.
            var precision = ndimageBoundaries ? ScalarType.Float64 : ScalarType.Float32;
            t = t.to(precision).to(x.device);
            var input = x.to_type(precision);
            // Output grid (x = column, y = row), then each image's source coordinates.
            var ys = arange(h, precision, x.device).view(1, h, 1).expand(n, h, w);
            var xs = arange(w, precision, x.device).view(1, 1, w).expand(n, h, w);
            Tensor P(int i) => t[.., i].view(n, 1, 1);
            var k = (P(6) * xs + P(7) * ys).add_(S.One, S.One);
            var srcX = (P(0) * xs + P(1) * ys + P(2)) / k;
            var srcY = (P(3) * xs + P(4) * ys + P(5)) / k;
            var flat = input.reshape(n, h * w, c);
            var batchOffset = (arange(n, ScalarType.Int64, x.device) * (h * w)).view(n, 1, 1);
            var all = flat.reshape(n * h * w, c);
            Tensor Gather(Tensor row, Tensor col)
            {
                // row/col: integer taps (int64), already mapped into the image, or masked for "constant".
                var index = (batchOffset + row * w + col).reshape(-1);
                return all.index_select(0, index).reshape(n, h, w, c);
            }
            Tensor result;
            if (ndimageBoundaries)
                result = NdimageSample(srcY, srcX, h, w, Gather, interpolation, fillMode, fillValue);
            else if (interpolation == "nearest")
            {
                var (r, rValid) = MapTap(srcY.round(), h, fillMode);
                var (q, qValid) = MapTap(srcX.round(), w, fillMode);
                result = Gather(r, q);
                if (fillMode == "constant") result = Fill(result, rValid.logical_and(qValid), fillValue);
            }
            else
            {
                var y0 = srcY.floor();
                var x0 = srcX.floor();
                var wy = (srcY - y0).unsqueeze(-1);
                var wx = (srcX - x0).unsqueeze(-1);
                var wy0 = wy.neg().add_(S.One, S.One);
                var wx0 = wx.neg().add_(S.One, S.One);
                var (r0, r0v) = MapTap(y0, h, fillMode);
                var (r1, r1v) = MapTap(y0.add(S.One, S.One), h, fillMode);
                var (q0, q0v) = MapTap(x0, w, fillMode);
                var (q1, q1v) = MapTap(x0.add(S.One, S.One), w, fillMode);
                Tensor Tap(Tensor r, Tensor rv, Tensor q, Tensor qv)
                {
                    var v = Gather(r, q);
                    return fillMode == "constant" ? Fill(v, rv.logical_and(qv), fillValue) : v;
                }
                var top = Tap(r0, r0v, q0, q0v) * wx0 + Tap(r0, r0v, q1, q1v) * wx;
                var bottom = Tap(r1, r1v, q0, q0v) * wx0 + Tap(r1, r1v, q1, q1v) * wx;
                result = top * wy0 + bottom * wy;
            }
            if (result.dtype != ScalarType.Float32) result = result.to_type(ScalarType.Float32);
            return result.MoveToOuterDisposeScope();
        });
    }

    /// <summary>
    /// TensorFlow's bilinear taps for "reflect", "nearest" and "constant" as one libtorch <c>grid_sample</c> call: its
    /// "reflection" padding (about -0.5 and size - 0.5, then clipped) and "border" padding give, for every coordinate,
    /// the same two taps and weights as mapping each tap by the mode, and "zeros" padding of the image minus the fill
    /// value, plus the fill value, gives each outside tap the fill value. One kernel instead of some sixty element-wise
    /// ops: each of those is a parallel region of libtorch's thread pool, which cost 50-300 ms of CPU per 64-image
    /// batch on a loaded machine (docs/benchmarks.md).
    /// </summary>
    /// <remarks>
    /// Coordinates and samples are computed in float64 (TensorFlow uses float32), so grid_sample's normalize-unnormalize
    /// round trip moves a coordinate by ~1e-15 pixels: integer and half-pixel coordinates give float32-exact values.
    /// </remarks>
    static Tensor GridSample(Tensor images, Tensor transforms, string fillMode, double fillValue)
    {
        long n = images.shape[0], h = images.shape[1], w = images.shape[2];
        var device = images.device;
        // The output pixel (x, y, 1) maps to source (a0 x + a1 y + a2, b0 x + b1 y + b2) / (c0 x + c1 y + 1); grid_sample
        // (align_corners = false) reads pixel coordinate ((g + 1) size - 1) / 2 for the normalized g, so the
        // normalization N folds into the transform: (N T p)[0..1] / (N T p)[2], one batched product for all images.
        using var t = transforms.to(ScalarType.Float64).to(device);
        using var one = 1.ToScalar();
        using var lastRow = ones([n, 1], ScalarType.Float64, device);
        using var rows = cat([t, lastRow], 1).view(n, 3, 3);
        using var normalize = tensor(new double[] { 2.0 / w, 0, 1.0 / w - 1, 0, 2.0 / h, 1.0 / h - 1, 0, 0, 1 }, [3, 3], ScalarType.Float64).to(device);
        using var m = normalize.matmul(rows);                                   // (n, 3, 3)
        using var ys = arange(h, ScalarType.Float64, device).view(h, 1).expand(h, w);
        using var xs = arange(w, ScalarType.Float64, device).view(1, w).expand(h, w);
        using var points = stack([xs, ys, ones([h, w], ScalarType.Float64, device)], -1).view(1, h * w, 3);
        using var projected = points.matmul(m.transpose(1, 2));                 // (n, h w, 3)
        using var xy = projected.narrow(2, 0, 2);
        using var k = projected.narrow(2, 2, 1);
        using var grid = xy.div(k).view(n, h, w, 2);
        using var nchw = images.to_type(ScalarType.Float64).permute(0, 3, 1, 2);
        var padding = fillMode switch
        {
            "reflect" => GridSamplePaddingMode.Reflection,
            "nearest" => GridSamplePaddingMode.Border,
            _ => GridSamplePaddingMode.Zeros,
        };
        if (fillMode != "constant" || fillValue == 0)
        {
            using var sampled = nn.functional.grid_sample(nchw, grid, GridSampleMode.Bilinear, padding, align_corners: false);
            return sampled.permute(0, 2, 3, 1).to_type(ScalarType.Float32).contiguous();
        }
        using var fill = fillValue.ToScalar();
        using var shifted = nchw.sub(fill);
        using var sampledShifted = nn.functional.grid_sample(shifted, grid, GridSampleMode.Bilinear, padding, align_corners: false);
        using var back = sampledShifted.add_(fill, one);
        return back.permute(0, 2, 3, 1).to_type(ScalarType.Float32).contiguous();
    }

    /// <summary>
    /// scipy.ndimage's sampling (order 0 or 1): the source coordinate is first mapped into the image by the mode, as
    /// ndimage's map_coordinate does, then read from its taps, which the mapping keeps within [0, size - 1].
    /// </summary>
    static Tensor NdimageSample(Tensor srcY, Tensor srcX, long h, long w, Func<Tensor, Tensor, Tensor> gather, string interpolation, string fillMode, double fillValue)
    {
        var (y, yValid) = NdimageCoordinate(srcY, h, fillMode);
        var (x, xValid) = NdimageCoordinate(srcX, w, fillMode);
        using var zero = 0.ToScalar();
        using var half = 0.5.ToScalar();
        using var lastY = (h - 1).ToScalar();
        using var lastX = (w - 1).ToScalar();
        Tensor Index(Tensor tap, Scalar last) => tap.clamp(zero, last).to_type(ScalarType.Int64);
        Tensor result;
        if (interpolation == "nearest")
        {
            // ndimage's order 0 takes floor(c + 0.5): halves round up, not to even.
            result = gather(Index(y.add(half).floor_(), lastY), Index(x.add(half).floor_(), lastX));
        }
        else
        {
            var y0 = y.floor();
            var x0 = x.floor();
            var wy = (y - y0).unsqueeze(-1);
            var wx = (x - x0).unsqueeze(-1);
            var wy0 = wy.neg().add_(S.One, S.One);
            var wx0 = wx.neg().add_(S.One, S.One);
            // A second tap past the last pixel only occurs with weight 0 (c == size - 1), so clamping it is exact.
            var r0 = Index(y0, lastY);
            var r1 = Index(y0.add(S.One, S.One), lastY);
            var q0 = Index(x0, lastX);
            var q1 = Index(x0.add(S.One, S.One), lastX);
            var top = gather(r0, q0) * wx0 + gather(r0, q1) * wx;
            var bottom = gather(r1, q0) * wx0 + gather(r1, q1) * wx;
            result = top * wy0 + bottom * wy;
        }
        return fillMode == "constant" ? Fill(result, yValid.logical_and(xValid), fillValue) : result;
    }

    /// <summary>ndimage's map_coordinate for one axis: the continuous coordinate mapped into [0, size - 1] by the mode.</summary>
    static (Tensor Coordinate, Tensor Valid) NdimageCoordinate(Tensor c, long size, string fillMode)
    {
        using var zero = 0.ToScalar();
        using var last = (size - 1).ToScalar();
        var valid = c.ge(zero).logical_and(c.le(last));
        switch (fillMode)
        {
            case "wrap":
                {
                    if (size <= 1) return (zeros_like(c), valid);
                    // Period size - 1, applied only outside [0, size - 1]: below 0, c + p (floor(-c / p) + 1); above, c - p floor(c / p).
                    using var period = (size - 1).ToScalar();
                    var below = c + c.neg().div(period).floor_().add_(S.One, S.One).mul_(period);
                    var above = c - c.div(period).floor_().mul_(period);
                    return (where(c.lt(zero), below, where(c.gt(last), above, c)), valid);
                }
            case "reflect":
                {
                    // Half-sample symmetric about -0.5 and size - 0.5: period 2 size, the second half mirrored.
                    using var period = (2 * size).ToScalar();
                    using var mirror = (2 * size - 1).ToScalar();
                    using var half = 0.5.ToScalar();
                    var m = c.add(half).remainder(period).sub_(half);
                    return (where(m.gt(last), m.neg().add_(mirror, S.One), m), valid);
                }
            default:   // nearest clamps; constant clamps too and is masked by valid afterwards
                return (c.clamp(zero, last), valid);
        }
    }

    /// <summary>Maps integer taps (as float) into [0, size) by the fill mode; for "constant" also says which were inside.</summary>
    static (Tensor Index, Tensor Valid) MapTap(Tensor tap, long size, string fillMode)
    {
        // Scalars held across the native calls (a temporary may be finalized mid-call).
        using var zero = 0.ToScalar();
        using var sizeScalar = size.ToScalar();
        using var last = (size - 1).ToScalar();
        using var period = (2 * size).ToScalar();
        using var periodMinusOne = (2 * size - 1).ToScalar();
        var valid = tap.ge(zero).logical_and(tap.lt(sizeScalar));
        Tensor mapped;
        switch (fillMode)
        {
            case "reflect":
                {
                    // Half-sample symmetric: period 2 * size, indices size..2size-1 mirror back.
                    var m = tap.remainder(period);
                    mapped = where(m.ge(sizeScalar), m.neg().add_(periodMinusOne, S.One), m);
                    break;
                }
            case "wrap":
                mapped = tap.remainder(sizeScalar);
                break;
            default:   // nearest, and constant (whose outside taps are masked afterwards)
                mapped = tap.clamp(zero, last);
                break;
        }
        return (mapped.to_type(ScalarType.Int64), valid);
    }

    static Tensor Fill(Tensor values, Tensor valid, double fillValue)
    {
        using var v = valid.unsqueeze(-1);
        using var k = full_like(values, fillValue);
        return where(v, values, k);
    }
}
