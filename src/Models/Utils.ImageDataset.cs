using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

public static partial class Utils
{
    static readonly string[] ImageExtensions = [".jpeg", ".jpg", ".png", ".bmp", ".gif"];

    /// <summary>
    /// Keras's <c>keras.utils.image_dataset_from_directory</c>: lists <c>directory/&lt;class&gt;/**/*.jpg|png|bmp|gif</c>,
    /// labels each image by its folder (folders sorted alphabetically, label = index) and streams batches of float32
    /// (batch, height, width, channels) images with values 0-255, decoding lazily in parallel. The dataset is the
    /// pipeline a user would write, <c>FromTensorSlices(paths, labels) -> Shuffle(seed) -> Map(LoadImage, AUTOTUNE) -> Batch</c>,
    /// so <c>Lint()</c> and the printed plan see it, and it composes with <c>Map</c>, <c>Cache</c> and <c>Prefetch</c>.
    /// </summary>
    /// <param name="directory">The root folder holding one sub-folder per class.</param>
    /// <param name="labels">null or "inferred" labels by folder; otherwise one label per image file, in the order of
    /// the files sorted alphabetically by path (Keras's list of labels).</param>
    /// <param name="labelMode">"int" (int64 class indices), "categorical" (float32 one-hot) or "binary" (float32 0/1
    /// of shape (batch, 1), two classes only).</param>
    /// <param name="classNames">The class folders to use, in label order; null takes every sub-folder, sorted.</param>
    /// <param name="colorMode">"rgb", "grayscale" or "rgba".</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="imageSize">(height, width) every image is resized to; Keras's default is 256x256.</param>
    /// <param name="shuffle">Shuffle the files before splitting, and again every epoch.</param>
    /// <param name="seed">Shuffling seed: the same seed gives the same split and the same orders in every process.
    /// Required with <paramref name="validationSplit"/> and shuffling, so both subsets agree.</param>
    /// <param name="validationSplit">Fraction of the files reserved for validation (the last ones after shuffling).</param>
    /// <param name="subset">"training" or "validation" when <paramref name="validationSplit"/> is set (use
    /// <see cref="ImageDatasetsFromDirectory"/> for Keras's "both").</param>
    /// <param name="interpolation">The <see cref="Image.Resize"/> method: "bilinear" (default), "nearest", "bicubic", "area", ...</param>
    /// <param name="cropToAspectRatio">Crop the largest centred window with the target aspect ratio before resizing,
    /// instead of distorting the image.</param>
    /// <returns>The batches, with <see cref="ImageDirectoryDataset.ClassNames"/>, <see cref="ImageDirectoryDataset.FilePaths"/>
    /// and <see cref="ImageDirectoryDataset.Labels"/>.</returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="ArgumentException">An argument is invalid, or no images were found.</exception>
    /// <remarks>A file that cannot be decoded fails the iteration with a <see cref="DatasetException"/> whose inner
    /// <see cref="InvalidDataException"/> names the file.</remarks>
    public static ImageDirectoryDataset ImageDatasetFromDirectory(
        string directory,
        IReadOnlyList<long>? labels = null,
        string labelMode = "int",
        string[]? classNames = null,
        string colorMode = "rgb",
        int batchSize = 32,
        (int Height, int Width)? imageSize = null,
        bool shuffle = true,
        long? seed = null,
        double? validationSplit = null,
        string? subset = null,
        string interpolation = "bilinear",
        bool cropToAspectRatio = false)
    {
        if (subset == "both")
            throw new ArgumentException("subset \"both\" returns two datasets: call Utils.ImageDatasetsFromDirectory(...), which returns (training, validation).", nameof(subset));
        if (validationSplit is not null && subset is not ("training" or "validation"))
            throw new ArgumentException($"With validationSplit, subset must be \"training\", \"validation\" or \"both\"; got {(subset is null ? "null" : $"\"{subset}\"")}.", nameof(subset));
        var index = IndexDirectory(directory, labels, labelMode, classNames, colorMode, batchSize, imageSize, shuffle, ref seed, validationSplit, subset, interpolation);
        return Build(directory, index, subset, labelMode, colorMode, batchSize, imageSize ?? (256, 256), shuffle, seed!.Value, interpolation, cropToAspectRatio);
    }

    /// <summary>
    /// <see cref="ImageDatasetFromDirectory"/> with Keras's <c>subset="both"</c>: the training and validation subsets of
    /// one shuffled split.
    /// </summary>
    /// <param name="directory">The root folder holding one sub-folder per class.</param>
    /// <param name="validationSplit">Fraction of the files reserved for validation.</param>
    /// <param name="seed">Shuffling seed (required when shuffling).</param>
    /// <param name="labels">See <see cref="ImageDatasetFromDirectory"/>.</param>
    /// <param name="labelMode">See <see cref="ImageDatasetFromDirectory"/>.</param>
    /// <param name="classNames">See <see cref="ImageDatasetFromDirectory"/>.</param>
    /// <param name="colorMode">See <see cref="ImageDatasetFromDirectory"/>.</param>
    /// <param name="batchSize">See <see cref="ImageDatasetFromDirectory"/>.</param>
    /// <param name="imageSize">See <see cref="ImageDatasetFromDirectory"/>.</param>
    /// <param name="shuffle">See <see cref="ImageDatasetFromDirectory"/>.</param>
    /// <param name="interpolation">See <see cref="ImageDatasetFromDirectory"/>.</param>
    /// <param name="cropToAspectRatio">See <see cref="ImageDatasetFromDirectory"/>.</param>
    public static (ImageDirectoryDataset Training, ImageDirectoryDataset Validation) ImageDatasetsFromDirectory(
        string directory, double validationSplit, long? seed = null, IReadOnlyList<long>? labels = null, string labelMode = "int",
        string[]? classNames = null, string colorMode = "rgb", int batchSize = 32, (int Height, int Width)? imageSize = null,
        bool shuffle = true, string interpolation = "bilinear", bool cropToAspectRatio = false)
    {
        var training = IndexDirectory(directory, labels, labelMode, classNames, colorMode, batchSize, imageSize, shuffle, ref seed, validationSplit, "training", interpolation);
        var validation = IndexDirectory(directory, labels, labelMode, classNames, colorMode, batchSize, imageSize, shuffle, ref seed, validationSplit, "validation", interpolation);
        var size = imageSize ?? (256, 256);
        return (Build(directory, training, "training", labelMode, colorMode, batchSize, size, shuffle, seed!.Value, interpolation, cropToAspectRatio),
                Build(directory, validation, "validation", labelMode, colorMode, batchSize, size, shuffle, seed!.Value, interpolation, cropToAspectRatio));
    }

    sealed record DirectoryIndex(string[] ClassNames, string[] Files, long[] Labels);

    static DirectoryIndex IndexDirectory(string directory, IReadOnlyList<long>? labels, string labelMode, string[]? classNames, string colorMode,
        int batchSize, (int Height, int Width)? imageSize, bool shuffle, ref long? seed, double? validationSplit, string? subset, string interpolation)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"ImageDatasetFromDirectory: directory '{directory}' does not exist.");
        if (labelMode is not ("int" or "categorical" or "binary"))
            throw new ArgumentException($"labelMode must be \"int\", \"categorical\" or \"binary\"; got \"{labelMode}\".", nameof(labelMode));
        _ = Channels(colorMode);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive.");
        var (height, width) = imageSize ?? (256, 256);
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "imageSize must be positive.");
        if (!Image.ResizeMethods.Contains(interpolation))
            throw new ArgumentException($"interpolation must be one of {string.Join(", ", Image.ResizeMethods)}; got \"{interpolation}\".", nameof(interpolation));
        if (validationSplit is double split && !(split > 0 && split < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), split, "validationSplit must be between 0 and 1.");
        if (validationSplit is null && subset is not null)
            throw new ArgumentException("subset is only valid together with validationSplit.", nameof(subset));
        if (validationSplit is not null && shuffle && seed is null)
            throw new ArgumentException("If using validationSplit and shuffling the data, you must provide a seed argument, to make sure that there is no overlap between the training and validation subset.", nameof(seed));
        seed = RandomSeed.GetSeed(seed);

        // Index: class folders alphabetically (ordinal, like Python's sort), files sorted within each class.
        var classes = classNames ?? [.. Directory.GetDirectories(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        if (classes.Length == 0) throw new ArgumentException($"ImageDatasetFromDirectory: '{directory}' has no class sub-folders.", nameof(directory));
        var files = new List<string>();
        var inferred = new List<long>();
        for (int c = 0; c < classes.Length; c++)
        {
            var folder = Path.Combine(directory, classes[c]);
            if (!Directory.Exists(folder))
                throw new ArgumentException($"classNames lists '{classes[c]}' but '{folder}' does not exist.", nameof(classNames));
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                         .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                         .Order(StringComparer.Ordinal))
            {
                files.Add(file);
                inferred.Add(c);
            }
        }
        if (files.Count == 0)
            throw new ArgumentException($"ImageDatasetFromDirectory: no images ({string.Join(", ", ImageExtensions)}) found under '{directory}'.", nameof(directory));
        long[] allLabels = [.. inferred];
        if (labels is not null)
        {
            // Keras: explicit labels follow the files sorted alphanumerically by path.
            var sorted = Enumerable.Range(0, files.Count).OrderBy(i => files[i], StringComparer.Ordinal).ToArray();
            if (labels.Count != files.Count)
                throw new ArgumentException($"Expected the lengths of labels to match the number of files in the target directory. len(labels) is {labels.Count} while we found {files.Count} files in directory {directory}.", nameof(labels));
            files = [.. sorted.Select(i => files[i])];
            allLabels = [.. labels];
        }
        if (labelMode == "binary" && (labels is null ? classes.Length : allLabels.Distinct().Count()) != 2)
            throw new ArgumentException($"When passing labelMode=\"binary\", there must be exactly 2 classes. Found the following classes: {string.Join(", ", classes)}.", nameof(labelMode));
        int classCount = labels is null ? classes.Length : (int)allLabels.Max() + 1;
        if (labelMode == "categorical" && allLabels.Any(l => l < 0 || l >= classCount))
            throw new ArgumentException($"labels must be in [0, {classCount}).", nameof(labels));

        int[] order = [.. Enumerable.Range(0, files.Count)];
        if (shuffle)
        {
            // The split's order depends on the seed alone (tf.data's generator), never on the process.
            var random = new DeterministicRandom(DeterministicRandom.Mix(seed.Value, -1));
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        if (validationSplit is double fraction)
        {
            int validation = (int)(fraction * files.Count);
            order = subset == "training" ? order[..^validation] : order[^validation..];
        }
        return new DirectoryIndex(classes, [.. order.Select(i => files[i])], [.. order.Select(i => allLabels[i])]);
    }

    static int Channels(string colorMode) => colorMode switch
    {
        "rgb" => 3,
        "grayscale" => 1,
        "rgba" => 4,
        _ => throw new ArgumentException($"colorMode must be \"rgb\", \"grayscale\" or \"rgba\"; got \"{colorMode}\".", nameof(colorMode)),
    };

    static ImageDirectoryDataset Build(string directory, DirectoryIndex index, string? subset, string labelMode, string colorMode, int batchSize,
        (int Height, int Width) size, bool shuffle, long seed, string interpolation, bool cropToAspectRatio)
    {
        int channels = Channels(colorMode);
        int classCount = Math.Max(index.ClassNames.Length, (int)index.Labels.Max() + 1);
        // The steps a user would chain; a full-size shuffle buffer costs only the paths, and its seed makes every
        // epoch's order the same in every process.
        var source = Dataset.FromTensorSlices(index.Files, index.Labels);
        if (shuffle) source = source.Shuffle(bufferSize: index.Files.Length, seed: seed);
        (Tensor, Tensor) LoadImage(string path, long label)
        {
            var image = LoadResized(path, channels, size, interpolation, cropToAspectRatio);
            Tensor y = labelMode switch
            {
                "categorical" => nn.functional.one_hot(tensor(label), classCount).to_type(ScalarType.Float32),
                "binary" => tensor(new float[] { label }),
                _ => tensor(label),
            };
            return (image, y);
        }
        var batches = source.Map(LoadImage, numParallelCalls: Dataset.Autotune, traits: StepTraits.Expensive, name: "LoadImage").Batch(batchSize);
        return new ImageDirectoryDataset(batches, index.ClassNames, index.Files, index.Labels);
    }

    /// <summary>Reads, decodes and resizes one file to float32 (height, width, channels) 0-255, naming the file on failure.</summary>
    internal static Tensor LoadResized(string path, int channels, (int Height, int Width) size, string interpolation, bool cropToAspectRatio, string caller = "ImageDatasetFromDirectory")
    {
        byte[] bytes = File.ReadAllBytes(path);
        Tensor decoded;
        try
        {
            decoded = Image.DecodeImage(bytes, channels, expandAnimations: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{caller}: cannot decode '{path}': {e.Message}", e);
        }
        using (decoded)
        {
            var (h, w) = ((int)decoded.shape[0], (int)decoded.shape[1]);
            if (cropToAspectRatio)
            {
                // Keras's smart_resize: the largest centred window with the target's aspect ratio.
                int cropH = Math.Min(h, (int)((double)w * size.Height / size.Width));
                int cropW = Math.Min(w, (int)((double)h * size.Width / size.Height));
                using var cropped = Image.CropToBoundingBox(decoded, (h - cropH) / 2, (w - cropW) / 2, cropH, cropW);
                return ToFloat(Image.Resize(cropped, size.Height, size.Width, interpolation));
            }
            if (h == size.Height && w == size.Width) return decoded.to_type(ScalarType.Float32);
            return ToFloat(Image.Resize(decoded, size.Height, size.Width, interpolation));
        }
    }

    static Tensor ToFloat(Tensor t)
    {
        if (t.dtype == ScalarType.Float32) return t;
        using (t) return t.to_type(ScalarType.Float32);
    }
}
