using NumSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Preprocessing;

// Flow and FlowFromDirectory: the batches Fit consumes.
public sealed partial class ImageDataGenerator
{
    // keras_preprocessing's white list; the formats Image.DecodeImage cannot read are refused by name, never skipped.
    static readonly string[] DirectoryImageExtensions = [".png", ".jpg", ".jpeg", ".bmp"];
    static readonly string[] UnsupportedImageExtensions = [".ppm", ".tif", ".tiff"];

    /// <summary>
    /// Keras's <c>tf.keras.preprocessing.image.ImageDataGenerator.flow</c>: batches of augmented, standardized images from
    /// in-memory arrays, ready for <c>model.Fit(iterator, validationData: ...)</c>.
    /// </summary>
    /// <param name="x">Images (batch, height, width, channels), any real dtype (uint8 CIFAR arrays are fine; each batch
    /// becomes float32). The iterator keeps a reference, not a copy.</param>
    /// <param name="y">Labels, one row per image, returned as given (e.g. int64 class indices or float32 one-hot rows).</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Draw a new order every epoch.</param>
    /// <param name="seed">Seed of the order and the transforms: the same seed gives the same batches in every process.</param>
    /// <param name="subset">With <see cref="ValidationSplit"/>: "validation" takes the first
    /// int(n · validationSplit) images, "training" the rest (Keras's split, before any shuffling).</param>
    /// <returns>The iterator, a <see cref="Dataset{T}"/> of (images, labels).</returns>
    /// <exception cref="ArgumentException">Shapes disagree, <paramref name="subset"/> is unknown or given without a
    /// validation split, or the two subsets would not hold the same label values.</exception>
    public NumpyArrayIterator Flow(Tensor x, Tensor y, int batchSize = 32, bool shuffle = true, long? seed = null, string? subset = null) =>
        FlowCore(x, y, batchSize, shuffle, seed, subset, checkLabels: true);

    NumpyArrayIterator FlowCore(Tensor x, Tensor y, int batchSize, bool shuffle, long? seed, string? subset, bool checkLabels)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.dim() != 4)
            throw new ArgumentException($"ImageDataGenerator.Flow: x should have rank 4 (batch, height, width, channels); got shape ({string.Join(", ", x.shape)}).", nameof(x));
        if (y.dim() == 0 || y.shape[0] != x.shape[0])
            throw new ArgumentException($"ImageDataGenerator.Flow: x (images) and y (labels) should have the same length; got x.shape = ({string.Join(", ", x.shape)}), y.shape = ({string.Join(", ", y.shape)}).", nameof(y));
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"ImageDataGenerator.Flow: batchSize must be positive; got {batchSize}.");
        var (start, stop) = SubsetRange(subset, x.shape[0], nameof(Flow));
        Tensor xs = x.slice(0, start, stop, 1), ys = y.slice(0, start, stop, 1);
        if (subset is not null && checkLabels)
        {
            // Keras refuses a split whose two sides hold different label values (sorted data, usually).
            long split = (long)(x.shape[0] * ValidationSplit);
            using var head = y.slice(0, 0, split, 1);
            using var tail = y.slice(0, split, y.shape[0], 1);
            var headValues = LabelValues(head);
            var tailValues = LabelValues(tail);
            if (!headValues.SequenceEqual(tailValues))
                throw new ArgumentException($"ImageDataGenerator.Flow: the training and validation subsets have different label values after the split (validation: [{string.Join(", ", headValues)}], training: [{string.Join(", ", tailValues)}]). If your arrays are sorted by label, shuffle them first.", nameof(subset));
        }
        return new NumpyArrayIterator(this, xs, ys, batchSize, shuffle, seed);
    }

    /// <summary><see cref="Flow(Tensor, Tensor, int, bool, long?, string?)"/> for NumSharp arrays.</summary>
    /// <param name="x">Images (batch, height, width, channels).</param>
    /// <param name="y">Labels, one row per image.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Draw a new order every epoch.</param>
    /// <param name="seed">Seed of the order and the transforms.</param>
    /// <param name="subset">"training" or "validation" with a validation split.</param>
    /// <returns>The iterator.</returns>
    public NumpyArrayIterator Flow(NDArray x, NDArray y, int batchSize = 32, bool shuffle = true, long? seed = null, string? subset = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return Flow(x.ToTensor(), y.ToTensor(), batchSize, shuffle, seed, subset);
    }

    /// <summary>
    /// Keras's <c>tf.keras.preprocessing.image.ImageDataGenerator.flow</c> without labels: batches of augmented,
    /// standardized images alone, e.g. for <c>model.Predict(datagen.Flow(xTest, shuffle: false))</c>.
    /// </summary>
    /// <param name="x">Images (batch, height, width, channels), any real dtype.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Draw a new order every epoch (pass false to keep the predictions in the order of x).</param>
    /// <param name="seed">Seed of the order and the transforms.</param>
    /// <param name="subset">"training" or "validation" with a validation split.</param>
    /// <returns>float32 (batch, height, width, channels) batches: the images of a <see cref="NumpyArrayIterator"/>.</returns>
    public Dataset<Tensor> Flow(Tensor x, int batchSize = 32, bool shuffle = true, long? seed = null, string? subset = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4)
            throw new ArgumentException($"ImageDataGenerator.Flow: x should have rank 4 (batch, height, width, channels); got shape ({string.Join(", ", x.shape)}).", nameof(x));
        // The labels are the image indices, dropped from every batch.
        using var indices = arange(x.shape[0], ScalarType.Int64, x.device);
        var iterator = FlowCore(x, indices, batchSize, shuffle, seed, subset, checkLabels: false);
        return iterator.Map((images, _) => images, name: "images");
    }

    static double[] LabelValues(Tensor labels)
    {
        if (labels.numel() == 0) return [];
        using var flat = labels.flatten().to_type(ScalarType.Float64).cpu();
        return [.. flat.data<double>().ToArray().Distinct().Order()];
    }

    /// <summary>Keras's subsets: validation is the first int(n · split) items, training the rest.</summary>
    (long Start, long Stop) SubsetRange(string? subset, long count, string method)
    {
        if (subset is null) return (0, count);
        if (subset is not ("training" or "validation"))
            throw new ArgumentException($"ImageDataGenerator.{method}: subset must be \"training\", \"validation\" or null; got \"{subset}\".", nameof(subset));
        if (ValidationSplit == 0)
            throw new ArgumentException($"ImageDataGenerator.{method}: subset \"{subset}\" needs a validationSplit between 0 and 1 on the ImageDataGenerator; it has validationSplit = 0.", nameof(subset));
        long split = (long)(count * ValidationSplit);
        return subset == "validation" ? (0, split) : (split, count);
    }

    /// <summary>
    /// Keras's <c>tf.keras.preprocessing.image.ImageDataGenerator.flow_from_directory</c>: batches of augmented images read from <c>directory/&lt;class&gt;/**</c>
    /// (png, jpg, jpeg, bmp), classes in alphanumeric order of their folders, decoded and resized batch by batch.
    /// </summary>
    /// <param name="directory">The folder holding one sub-folder per class.</param>
    /// <param name="targetSize">(height, width) every image is resized to; Keras's default (256, 256).</param>
    /// <param name="colorMode">"rgb" (3 channels), "rgba" (4) or "grayscale" (1).</param>
    /// <param name="classes">Class folders to use, in label order; null takes every sub-folder, sorted.</param>
    /// <param name="classMode">"categorical" (one-hot), "binary" (0/1, two classes), "sparse" (class index) or "input" (the image itself, for autoencoders).</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="shuffle">Draw a new order every epoch.</param>
    /// <param name="seed">Seed of the order and the transforms.</param>
    /// <param name="subset">With <see cref="ValidationSplit"/>: "validation" takes the first int(k · validationSplit) files of
    /// each class (k files, sorted), "training" the rest.</param>
    /// <param name="interpolation">Resizing method (Keras's names): "nearest" (default), "bilinear", "bicubic",
    /// "lanczos", or any of <see cref="Image.ResizeMethods"/>. Resizing follows tf.image's definitions, not PIL's.</param>
    /// <returns>The iterator, with <see cref="DirectoryIterator.ClassIndices"/>, <see cref="DirectoryIterator.Filenames"/>
    /// and <see cref="DirectoryIterator.Classes"/>.</returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> or a listed class folder does not exist.</exception>
    /// <exception cref="ArgumentException">An argument is unknown or out of range, or a file has a format that cannot be decoded (.ppm, .tif).</exception>
    /// <remarks>A file that cannot be decoded fails the iteration with an error naming it.</remarks>
    public DirectoryIterator FlowFromDirectory(string directory, (int Height, int Width)? targetSize = null, string colorMode = "rgb",
        string[]? classes = null, string classMode = "categorical", int batchSize = 32, bool shuffle = true, long? seed = null,
        string? subset = null, string interpolation = "nearest")
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new DirectoryNotFoundException($"ImageDataGenerator.FlowFromDirectory: directory '{directory}' does not exist.");
        var (height, width) = targetSize ?? (256, 256);
        if (height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(nameof(targetSize), targetSize, $"ImageDataGenerator.FlowFromDirectory: targetSize must be positive; got ({height}, {width}).");
        int channels = colorMode switch
        {
            "rgb" => 3,
            "rgba" => 4,
            "grayscale" => 1,
            _ => throw new ArgumentException($"ImageDataGenerator.FlowFromDirectory: colorMode must be \"rgb\", \"rgba\" or \"grayscale\"; got \"{colorMode}\".", nameof(colorMode)),
        };
        if (classMode is not ("categorical" or "binary" or "sparse" or "input"))
            throw new ArgumentException($"ImageDataGenerator.FlowFromDirectory: classMode must be \"categorical\", \"binary\", \"sparse\" or \"input\"; got {(classMode is null ? "null (images without labels, which Fit cannot use)" : $"\"{classMode}\"")}.", nameof(classMode));
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"ImageDataGenerator.FlowFromDirectory: batchSize must be positive; got {batchSize}.");
        string resizeMethod = interpolation == "lanczos" ? "lanczos3" : interpolation;
        if (!Image.ResizeMethods.Contains(resizeMethod))
            throw new ArgumentException($"ImageDataGenerator.FlowFromDirectory: interpolation must be \"nearest\", \"bilinear\", \"bicubic\", \"lanczos\" or one of {string.Join(", ", Image.ResizeMethods)}; got \"{interpolation}\".", nameof(interpolation));
        _ = SubsetRange(subset, 0, nameof(FlowFromDirectory));

        // Class folders in Python's sorted() order (ordinal), as Keras lists them.
        var classNames = classes ?? [.. System.IO.Directory.GetDirectories(directory).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal)];
        if (classMode == "binary" && classNames.Length != 2)
            throw new ArgumentException($"ImageDataGenerator.FlowFromDirectory: classMode \"binary\" needs exactly 2 classes; found {classNames.Length} ({string.Join(", ", classNames)}) in '{directory}'.", nameof(classMode));
        var classIndices = new Dictionary<string, int>();
        var filenames = new List<string>();
        var labels = new List<int>();
        for (int c = 0; c < classNames.Length; c++)
        {
            var folder = Path.Combine(directory, classNames[c]);
            if (!System.IO.Directory.Exists(folder))
                throw new DirectoryNotFoundException($"ImageDataGenerator.FlowFromDirectory: classes lists '{classNames[c]}' but '{folder}' does not exist.");
            classIndices[classNames[c]] = c;
            var files = ListImages(folder);
            var (start, stop) = SubsetRange(subset, files.Count, nameof(FlowFromDirectory));
            foreach (var file in files.Skip((int)start).Take((int)(stop - start)))
            {
                filenames.Add(Path.Combine(classNames[c], Path.GetRelativePath(folder, file)));
                labels.Add(c);
            }
        }
        return new DirectoryIterator(this, directory, classIndices, [.. filenames], [.. labels], (height, width), colorMode, channels, classMode, batchSize, shuffle, seed, resizeMethod);
    }

    /// <summary>keras_preprocessing's _iter_valid_files: folders walked in sorted order, files sorted within each.</summary>
    static List<string> ListImages(string folder)
    {
        var result = new List<string>();
        var folders = new List<string> { folder };
        folders.AddRange(System.IO.Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories));
        foreach (var root in folders.Order(StringComparer.Ordinal))
            foreach (var file in System.IO.Directory.EnumerateFiles(root).Order(StringComparer.Ordinal))
            {
                var extension = Path.GetExtension(file).ToLowerInvariant();
                if (UnsupportedImageExtensions.Contains(extension))
                    throw new ArgumentException($"ImageDataGenerator.FlowFromDirectory: '{file}' is a {extension} image, which cannot be decoded here (expected {string.Join(", ", DirectoryImageExtensions)}); convert it or move it out of the folder.", "directory");
                if (DirectoryImageExtensions.Contains(extension)) result.Add(file);
            }
        return result;
    }
}
