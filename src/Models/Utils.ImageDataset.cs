using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models;

public static partial class Utils
{
    static readonly string[] ImageExtensions = [".jpeg", ".jpg", ".png", ".bmp", ".gif"];

    /// <summary>
    /// Keras's <c>keras.utils.image_dataset_from_directory</c>: reads <c>directory/&lt;class&gt;/*.jpg|png|bmp|gif</c>,
    /// labels each image by its folder (folders sorted alphabetically, label = index), decodes all images of the
    /// subset in parallel into one uint8 block, and yields shuffled batches of float32 (batch, height, width, channels)
    /// images (0-255) with their labels.
    /// </summary>
    /// <param name="directory">The root folder holding one sub-folder per class.</param>
    /// <param name="labelMode">"int" (int64 class indices) or "categorical" (float32 one-hot).</param>
    /// <param name="classNames">The class folders to use, in label order; null takes every sub-folder, sorted.</param>
    /// <param name="colorMode">"rgb", "grayscale" or "rgba".</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="imageSize">(height, width) every image is resized to (bilinear) when it differs; Keras's default is 256x256.</param>
    /// <param name="shuffle">Shuffle the files before splitting and the batches every epoch.</param>
    /// <param name="seed">Shuffling seed; required with <paramref name="validationSplit"/> and shuffling, so both subsets agree.</param>
    /// <param name="validationSplit">Fraction of the files reserved for validation (the last ones after shuffling).</param>
    /// <param name="subset">"training" or "validation" when <paramref name="validationSplit"/> is set.</param>
    /// <returns>The batches, with <see cref="ImageDirectoryDataset.ClassNames"/>.</returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="directory"/> does not exist.</exception>
    /// <exception cref="ArgumentException">An argument is invalid, or no images were found.</exception>
    /// <exception cref="InvalidDataException">An image file cannot be decoded (the message names the file).</exception>
    public static ImageDirectoryDataset ImageDatasetFromDirectory(
        string directory,
        string labelMode = "int",
        string[]? classNames = null,
        string colorMode = "rgb",
        int batchSize = 32,
        (int Height, int Width)? imageSize = null,
        bool shuffle = true,
        int? seed = null,
        double? validationSplit = null,
        string? subset = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"ImageDatasetFromDirectory: directory '{directory}' does not exist.");
        if (labelMode is not ("int" or "categorical"))
            throw new ArgumentException($"labelMode must be \"int\" or \"categorical\"; got \"{labelMode}\".", nameof(labelMode));
        int channels = colorMode switch
        {
            "rgb" => 3,
            "grayscale" => 1,
            "rgba" => 4,
            _ => throw new ArgumentException($"colorMode must be \"rgb\", \"grayscale\" or \"rgba\"; got \"{colorMode}\".", nameof(colorMode)),
        };
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive.");
        var (height, width) = imageSize ?? (256, 256);
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "imageSize must be positive.");
        if (validationSplit is double split && !(split > 0 && split < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), split, "validationSplit must be between 0 and 1.");
        if (validationSplit is null && subset is not null)
            throw new ArgumentException("subset is only valid together with validationSplit.", nameof(subset));
        if (validationSplit is not null && subset is not ("training" or "validation"))
            throw new ArgumentException($"With validationSplit, subset must be \"training\" or \"validation\"; got {(subset is null ? "null" : $"\"{subset}\"")}.", nameof(subset));
        if (validationSplit is not null && shuffle && seed is null)
            throw new ArgumentException("If using validationSplit and shuffling the data, you must provide a seed argument, to make sure that there is no overlap between the training and validation subset.", nameof(seed));

        // Index: class folders alphabetically (ordinal, like Python's sort), files sorted within each class.
        var classes = classNames ?? [.. Directory.GetDirectories(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        if (classes.Length == 0) throw new ArgumentException($"ImageDatasetFromDirectory: '{directory}' has no class sub-folders.", nameof(directory));
        var files = new List<string>();
        var labels = new List<long>();
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
                labels.Add(c);
            }
        }
        if (files.Count == 0)
            throw new ArgumentException($"ImageDatasetFromDirectory: no images ({string.Join(", ", ImageExtensions)}) found under '{directory}'.", nameof(directory));

        int effectiveSeed = seed ?? Random.Shared.Next();
        int[] order = [.. Enumerable.Range(0, files.Count)];
        if (shuffle) new Random(effectiveSeed).Shuffle(order);
        if (validationSplit is double fraction)
        {
            int validation = (int)(fraction * files.Count);
            order = subset == "training" ? order[..^validation] : order[^validation..];
        }
        var subsetFiles = order.Select(i => files[i]).ToArray();
        var subsetLabels = order.Select(i => labels[i]).ToArray();
        var images = DecodeAll(subsetFiles, height, width, channels);
        return new ImageDirectoryDataset(directory, images, subsetLabels, classes, subsetFiles, batchSize, shuffle, effectiveSeed, labelMode == "categorical");
    }

    /// <summary>Decodes every file in parallel straight into one preallocated uint8 (N, H, W, C) tensor.</summary>
    static Tensor DecodeAll(string[] files, int height, int width, int channels)
    {
        // Owned by the returned dataset, never by a caller's dispose scope.
        var all = empty([files.Length, height, width, channels], ScalarType.Byte).DetachFromDisposeScope();
        try
        {
            Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                // Worker threads own their temporaries: the scope frees the decoded image and any resize steps.
                using var scope = NewDisposeScope();
                byte[] bytes = File.ReadAllBytes(files[i]);
                Tensor image;
                try
                {
                    image = Image.DecodeImage(bytes, channels);
                }
                catch (Exception e) when (e is InvalidDataException or ArgumentException)
                {
                    throw new InvalidDataException($"ImageDatasetFromDirectory: cannot decode '{files[i]}': {e.Message}", e);
                }
                if (image.shape[0] != height || image.shape[1] != width)
                {
                    var planar = image.permute(2, 0, 1).unsqueeze(0).to_type(ScalarType.Float32);
                    var resized = nn.functional.interpolate(planar, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
                    image = resized.squeeze(0).permute(1, 2, 0).round().clamp(Training.Scalars.Zero, Training.Scalars.ByteMax).to_type(ScalarType.Byte);
                }
                all[i].copy_(image);   // disjoint rows: safe from parallel workers
            });
            return all;
        }
        catch (AggregateException e)
        {
            all.Dispose();
            // Report the first bad file as itself, not wrapped by Parallel.For.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
            throw;
        }
        catch
        {
            all.Dispose();
            throw;
        }
    }
}
