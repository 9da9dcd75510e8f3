using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

public static partial class Image
{
    /// <summary>
    /// <c>tf.image.extract_patches</c>: cuts (batch, height, width, channels) images into patches of
    /// <paramref name="sizes"/> taken every <paramref name="strides"/> pixels, each flattened in (row, column, channel)
    /// order into the last axis: (batch, patch rows, patch columns, patchHeight * patchWidth * channels).
    /// </summary>
    /// <param name="images">(batch, height, width, channels).</param>
    /// <param name="sizes">(patch height, patch width).</param>
    /// <param name="strides">Distance between the starts of neighbouring patches.</param>
    /// <param name="rates">Dilation: take every rate-th pixel inside a patch ((1, 1) for contiguous patches).</param>
    /// <param name="padding">"VALID" (only patches inside the image) or "SAME" (zero-pad so there are ceil(size / stride) patches).</param>
    public static Tensor ExtractPatches(Tensor images, (int Height, int Width) sizes, (int Height, int Width) strides, (int Height, int Width)? rates = null, string padding = "VALID")
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
            throw new ArgumentException($"ExtractPatches: expected images of shape (batch, height, width, channels), but got shape [{string.Join(", ", images.shape)}].", nameof(images));
        var (rh, rw) = rates ?? (1, 1);
        if (sizes.Height <= 0 || sizes.Width <= 0 || strides.Height <= 0 || strides.Width <= 0 || rh <= 0 || rw <= 0)
            throw new ArgumentOutOfRangeException(nameof(sizes), $"ExtractPatches: sizes, strides and rates must be positive, but were {sizes}, {strides}, ({rh}, {rw}).");
        bool same = padding.ToUpperInvariant() switch
        {
            "SAME" => true,
            "VALID" => false,
            _ => throw new ArgumentException($"ExtractPatches: padding must be \"VALID\" or \"SAME\", but was \"{padding}\".", nameof(padding)),
        };
        using var scope = NewDisposeScope();
        // The window a dilated patch spans.
        int eh = (sizes.Height - 1) * rh + 1, ew = (sizes.Width - 1) * rw + 1;
        var (h, w) = ((int)images.shape[1], (int)images.shape[2]);
        var x = images;
        if (same)
        {
            int outH = (h + strides.Height - 1) / strides.Height, outW = (w + strides.Width - 1) / strides.Width;
            int padH = Math.Max((outH - 1) * strides.Height + eh - h, 0), padW = Math.Max((outW - 1) * strides.Width + ew - w, 0);
            // TF puts the smaller half of the padding before.
            x = PadToBoundingBox(images, padH / 2, padW / 2, h + padH, w + padW);
        }
        else if (eh > h || ew > w)
            throw new ArgumentException($"ExtractPatches: a {eh}x{ew} patch window does not fit in the {h}x{w} images with VALID padding.", nameof(sizes));
        // unfold: (N, H, W, C) -> (N, oh, W, C, eh) -> (N, oh, ow, C, eh, ew); then the dilation picks every rate-th tap.
        var windows = x.unfold(1, eh, strides.Height).unfold(2, ew, strides.Width);
        windows = windows[.., .., .., .., TensorIndex.Slice(null, null, rh), TensorIndex.Slice(null, null, rw)];
        var patches = windows.permute(0, 1, 2, 4, 5, 3).reshape(windows.shape[0], windows.shape[1], windows.shape[2], -1);
        return patches.contiguous().MoveToOuterDisposeScope();
    }
}
