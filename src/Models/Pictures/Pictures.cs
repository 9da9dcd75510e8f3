using System.Globalization;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

/// <summary>
/// The pictures of the tutorials, as PNG files: a grid of images with their class names (the "look at the data"
/// step, matplotlib's <c>plt.subplot</c> + <c>plt.imshow</c> + <c>plt.title</c>), one image under several random
/// augmentations, and the training and validation curves of a <see cref="History"/>. Every method returns the PNG's
/// bytes (for a notebook to show inline) and also writes them to <c>path</c> when one is given.
/// </summary>
/// <remarks>
/// Images are channels-last like everywhere else: (batch, height, width, channels) with 1 (grey), 3 (RGB) or 4 (RGBA,
/// alpha ignored) channels, on any device. uint8 pixels are shown as they are; floating-point images are taken as
/// [0, 1] (the tutorials' <c>x / 255</c>) unless a value exceeds 1, in which case they are taken as [0, 255] (what
/// Keras's preprocessing layers return for uint8 input), and clipped to that range, as matplotlib's <c>imshow</c> does.
/// </remarks>
public static class Pictures
{
    /// <summary>Margin around each image of a grid, in pixels.</summary>
    public const int Margin = 4;

    /// <summary>Height of the caption line above each image of a grid that has captions, in pixels.</summary>
    public const int CaptionHeight = 18;

    /// <summary>
    /// A grid of images with a caption above each (Keras's tutorial: <c>plt.title(class_names[labels[i]])</c> in a
    /// 3 x 3 <c>plt.subplot</c> loop). Cells fill rows of <paramref name="columns"/>; each holds its image enlarged
    /// <paramref name="scale"/> times by repeating pixels (so small CIFAR images stay sharp and every pixel exact), with
    /// <see cref="Margin"/> pixels around it and, when captions are given, a <see cref="CaptionHeight"/>-pixel line above.
    /// </summary>
    /// <param name="images">(batch, height, width, channels) or one (height, width, channels) image.</param>
    /// <param name="titles">One caption per image, or null for none.</param>
    /// <param name="path">Where to write the PNG (its folder is created), or null to only return it.</param>
    /// <param name="columns">Images per row; 0 picks the smallest square grid (3 for 9 images).</param>
    /// <param name="scale">Enlargement factor; 0 picks the largest that keeps an image's longer side at most 128 pixels (4 for CIFAR's 32).</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">A shape, count or value named in the message is not one we can draw.</exception>
    public static byte[] ImageGrid(Tensor images, IReadOnlyList<string>? titles = null, string? path = null, int columns = 0, int scale = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() is not (3 or 4))
            throw new ArgumentException($"ImageGrid: images must have shape (batch, height, width, channels) or (height, width, channels), but got {Shape(images)}.", nameof(images));
        var cells = new List<Cell>();
        if (images.dim() == 3) cells.Add(ToCell(images, nameof(images)));
        else
            for (long i = 0; i < images.shape[0]; i++)
            {
                using var image = images[i];
                cells.Add(ToCell(image, nameof(images)));
            }
        if (cells.Count == 0)
            throw new ArgumentException($"ImageGrid: images holds no image (shape {Shape(images)}).", nameof(images));
        if (titles is not null && titles.Count != cells.Count)
            throw new ArgumentException($"ImageGrid: {titles.Count} titles for {cells.Count} images; give one title per image.", nameof(titles));
        return Save(Draw(cells, titles, columns, scale), path);
    }

    /// <summary>
    /// A grid of images captioned with their class names: <c>classNames[labels[i]]</c>, the labels being class indices
    /// (shape (batch) or (batch, 1), Keras's <c>labelMode: "int"</c>) or one-hot rows (Keras's <c>"categorical"</c>).
    /// </summary>
    /// <param name="images">(batch, height, width, channels).</param>
    /// <param name="labels">One label per image: indices, or one-hot / probability rows (the largest entry is the class).</param>
    /// <param name="classNames">The class names, indexed by label (e.g. the <c>ClassNames</c> of a directory dataset).</param>
    /// <param name="path">Where to write the PNG (its folder is created), or null to only return it.</param>
    /// <param name="columns">Images per row; 0 picks the smallest square grid.</param>
    /// <param name="scale">Enlargement factor; 0 picks one (see <see cref="ImageGrid(Tensor, IReadOnlyList{string}?, string?, int, int)"/>).</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">The labels do not match the images, or a label has no class name.</exception>
    public static byte[] ImageGrid(Tensor images, Tensor labels, IReadOnlyList<string> classNames, string? path = null, int columns = 0, int scale = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (images.dim() != 4)
            throw new ArgumentException($"ImageGrid: images with labels must have shape (batch, height, width, channels), but got {Shape(images)}.", nameof(images));
        long[] indices;
        using (var scope = NewDisposeScope())
        {
            var flat = labels.dim() == 2 && labels.shape[1] > 1 ? labels.argmax(1) : labels.reshape(-1);
            if (flat.shape[0] != images.shape[0])
                throw new ArgumentException($"ImageGrid: labels has shape {Shape(labels)}, which is not one label per image for {images.shape[0]} images.", nameof(labels));
            if (flat.is_floating_point() && labels.dim() != 2)
                throw new ArgumentException($"ImageGrid: labels must be class indices (an integer type) or one-hot rows, but got {labels.dtype} of shape {Shape(labels)}.", nameof(labels));
            indices = flat.to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        }
        var titles = new string[indices.Length];
        for (int i = 0; i < indices.Length; i++)
            titles[i] = indices[i] >= 0 && indices[i] < classNames.Count
                ? classNames[(int)indices[i]]
                : throw new ArgumentException($"ImageGrid: image {i} has label {indices[i]}, but there are {classNames.Count} class names.", nameof(labels));
        return ImageGrid(images, titles, path, columns, scale);
    }

    /// <summary>
    /// One image and <paramref name="count"/> random augmentations of it, in a grid (Keras's tutorial: the same image
    /// passed through <c>data_augmentation</c> nine times). The first cell is the original.
    /// </summary>
    /// <param name="image">One (height, width, channels) image.</param>
    /// <param name="augment">
    /// Returns an augmented copy of the image it is given, as (height, width, channels) or (1, height, width, channels):
    /// tf.image ops (<c>x => Image.RandomFlipLeftRight(x)</c>), or preprocessing layers in training mode
    /// (<c>x => augmentation.Call(x, training: true)</c>). The sizes may differ from the original (a random crop).
    /// </param>
    /// <param name="count">How many augmented copies to draw.</param>
    /// <param name="path">Where to write the PNG (its folder is created), or null to only return it.</param>
    /// <param name="columns">Images per row; 0 picks the smallest square grid (3 for the original and 8 copies).</param>
    /// <param name="scale">Enlargement factor; 0 picks one (see <see cref="ImageGrid(Tensor, IReadOnlyList{string}?, string?, int, int)"/>).</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">The image or an augmented copy has a shape we cannot draw.</exception>
    public static byte[] AugmentationGrid(Tensor image, Func<Tensor, Tensor> augment, int count = 8, string? path = null, int columns = 0, int scale = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(augment);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (image.dim() != 3)
            throw new ArgumentException($"AugmentationGrid: image must have shape (height, width, channels), but got {Shape(image)}.", nameof(image));
        var cells = new List<Cell> { ToCell(image, nameof(image)) };
        var titles = new List<string> { "original" };
        for (int i = 1; i <= count; i++)
        {
            // The scope frees what augment made; the caller's image was made outside it and stays.
            using var scope = NewDisposeScope();
            var augmented = augment(image);
            if (augmented is null)
                throw new ArgumentException("AugmentationGrid: augment returned null.", nameof(augment));
            if (augmented.dim() == 4 && augmented.shape[0] == 1) augmented = augmented[0];
            if (augmented.dim() != 3)
                throw new ArgumentException($"AugmentationGrid: augment must return (height, width, channels) or (1, height, width, channels), but returned {Shape(augmented)}.", nameof(augment));
            cells.Add(ToCell(augmented, nameof(augment)));
            titles.Add(string.Create(CultureInfo.InvariantCulture, $"augmented {i}"));
        }
        return Save(Draw(cells, titles, columns, scale), path);
    }

    /// <summary>
    /// The training curves of <paramref name="history"/>: one panel per metric, the training series against its
    /// <c>val_</c> counterpart by epoch (the tutorials' "Training and Validation Accuracy" and "... Loss" plots), the
    /// metrics first and the loss last.
    /// </summary>
    /// <param name="history">What <c>Model.Fit</c> returned.</param>
    /// <param name="path">Where to write the PNG (its folder is created), or null to only return it.</param>
    /// <param name="width">Width of the whole picture in pixels, shared by the panels.</param>
    /// <param name="height">Height of the picture in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">The history holds no epoch.</exception>
    public static byte[] TrainingCurves(History history, string? path = null, int width = 1000, int height = 400)
    {
        ArgumentNullException.ThrowIfNull(history);
        return TrainingCurves(history.Keys.ToDictionary(k => k, k => history[k]), path, width, height);
    }

    /// <summary>
    /// Training curves from per-epoch series by name (Keras's <c>history.history</c> dictionary, or values collected
    /// by a hand-written loop): a series named <c>val_m</c> or <c>test_m</c> is drawn in the panel of <c>m</c>.
    /// </summary>
    /// <param name="history">Series by name, one value per epoch, e.g. "loss", "accuracy", "val_loss", "val_accuracy".</param>
    /// <param name="path">Where to write the PNG (its folder is created), or null to only return it.</param>
    /// <param name="width">Width of the whole picture in pixels, shared by the panels.</param>
    /// <param name="height">Height of the picture in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">No series holds a value.</exception>
    public static byte[] TrainingCurves(IReadOnlyDictionary<string, IReadOnlyList<double>> history, string? path = null, int width = 1000, int height = 400)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        var logged = history.Where(kv => kv.Value is { Count: > 0 }).ToDictionary(kv => kv.Key, kv => kv.Value);
        if (logged.Count == 0)
            throw new ArgumentException("TrainingCurves: the history holds no epoch; call it with what Fit returned after at least one epoch.", nameof(history));
        var panels = TrainingCurvesPanel.Group(logged);
        int panelWidth = width / panels.Count;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new ArgumentException($"TrainingCurves: cannot make a {width} x {height} picture.", nameof(width));
        surface.Canvas.Clear(SKColors.White);
        for (int p = 0; p < panels.Count; p++)
        {
            var png = panels[p].Render(logged, p == panels.Count - 1 ? width - p * panelWidth : panelWidth, height);
            using var panel = SKImage.FromEncodedData(png);
            surface.Canvas.DrawImage(panel, p * panelWidth, 0, SKSamplingOptions.Default);
        }
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return Save(data.ToArray(), path);
    }

    /// <summary>An image as 8-bit pixels on the host.</summary>
    sealed record Cell(byte[] Pixels, int Height, int Width, int Channels);

    static Cell ToCell(Tensor image, string argument)
    {
        var (h, w, c) = (image.shape[0], image.shape[1], image.shape[2]);
        if (c is not (1 or 3 or 4) || h <= 0 || w <= 0)
            throw new ArgumentException($"Pictures: an image must be (height, width, channels) with 1, 3 or 4 channels, but got {Shape(image)}.", argument);
        if (image.dtype == ScalarType.Bool || image.is_complex())
            throw new ArgumentException($"Pictures: images must be an integer or floating-point type, but got {image.dtype}.", argument);
        using var scope = NewDisposeScope();
        var pixels = image;
        if (image.is_floating_point())
        {
            var max = image.numel() == 0 ? 0 : image.max().to_type(ScalarType.Float64).item<double>();
            if (double.IsNaN(max))
                throw new ArgumentException($"Pictures: the image of shape {Shape(image)} holds NaN values.", argument);
            using var upper = 255.0.ToScalar();
            using var zero = 0.0.ToScalar();
            pixels = max > 1 ? image.clamp(zero, upper) : image.mul(upper).clamp(zero, upper);
            pixels = pixels.round();
        }
        else if (image.dtype != ScalarType.Byte)
        {
            using var upper = 255L.ToScalar();
            using var zero = 0L.ToScalar();
            pixels = image.clamp(zero, upper);
        }
        var bytes = pixels.to_type(ScalarType.Byte).cpu().contiguous().data<byte>().ToArray();
        return new Cell(bytes, (int)h, (int)w, (int)c);
    }

    static byte[] Draw(IReadOnlyList<Cell> cells, IReadOnlyList<string>? titles, int columns, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        int imageHeight = cells.Max(c => c.Height), imageWidth = cells.Max(c => c.Width);
        if (scale == 0) scale = Math.Max(1, 128 / Math.Max(imageHeight, imageWidth));
        if (columns == 0) columns = (int)Math.Ceiling(Math.Sqrt(cells.Count));
        columns = Math.Min(columns, cells.Count);
        int rows = (cells.Count + columns - 1) / columns;
        int caption = titles is null ? 0 : CaptionHeight;
        long cellWidth = (long)imageWidth * scale + 2 * Margin, cellHeight = (long)imageHeight * scale + 2 * Margin + caption;
        long width = cellWidth * columns, height = cellHeight * rows;
        if (width * height > Image.MaxImagePixels)
            throw new ArgumentException($"Pictures: a grid of {cells.Count} images at scale {scale} would be {width} x {height} pixels, above Image.MaxImagePixels ({Image.MaxImagePixels}); show fewer images or a smaller scale.", nameof(scale));

        // RGBA, opaque white, filled pixel by pixel: each image pixel becomes a scale x scale block.
        var canvas = new byte[width * height * 4];
        Array.Fill(canvas, (byte)255);
        for (int n = 0; n < cells.Count; n++)
        {
            var cell = cells[n];
            long left = n % columns * cellWidth + Margin, top = n / columns * cellHeight + caption + Margin;
            for (int y = 0; y < cell.Height * scale; y++)
            {
                long row = ((top + y) * width + left) * 4;
                for (int x = 0; x < cell.Width * scale; x++)
                {
                    int source = ((y / scale) * cell.Width + x / scale) * cell.Channels;
                    long target = row + x * 4;
                    byte r = cell.Pixels[source];
                    canvas[target] = r;
                    canvas[target + 1] = cell.Channels == 1 ? r : cell.Pixels[source + 1];
                    canvas[target + 2] = cell.Channels == 1 ? r : cell.Pixels[source + 2];
                }
            }
        }

        using var bitmap = new SKBitmap(new SKImageInfo((int)width, (int)height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(canvas, 0, bitmap.GetPixels(), canvas.Length);
        if (titles is not null && PictureFonts.Typeface is { } typeface)
        {
            using var surface = new SKCanvas(bitmap);
            using var font = new SKFont(typeface, 12);
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            for (int n = 0; n < cells.Count; n++)
            {
                float centre = n % columns * cellWidth + cellWidth / 2f, baseline = n / columns * cellHeight + caption - 4;
                surface.Save();
                surface.ClipRect(SKRect.Create(n % columns * cellWidth, n / columns * cellHeight, cellWidth, caption));
                surface.DrawText(titles[n], centre, baseline, SKTextAlign.Center, font, paint);
                surface.Restore();
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    static byte[] Save(byte[] png, string? path)
    {
        if (path is null) return png;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        File.WriteAllBytes(path, png);
        return png;
    }

    static string Shape(Tensor t) => $"({string.Join(", ", t.shape)})";
}
