using static TorchSharp.torch;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Keras's <c>tf.keras.preprocessing.image.DirectoryIterator</c>, returned by <see cref="ImageDataGenerator.FlowFromDirectory"/>: images read
/// from <c>directory/&lt;class&gt;/**</c>, decoded, resized to the target size (<see cref="Image.Resize"/>) and
/// transformed batch by batch, with labels by <see cref="ClassMode"/>: "categorical" float32 one-hot rows,
/// "binary" float32 (batch, 1) 0/1, "sparse" float32 (batch) class indices, "input" the images themselves.
/// </summary>
public sealed class DirectoryIterator : Iterator
{
    readonly string[] _filepaths;
    readonly int _channels;
    readonly (int Height, int Width) _targetSize;
    readonly string _interpolation;

    internal DirectoryIterator(ImageDataGenerator generator, string directory, IReadOnlyDictionary<string, int> classIndices, string[] filenames, int[] classes,
        (int Height, int Width) targetSize, string colorMode, int channels, string classMode, int batchSize, bool shuffle, long? seed, string resizeMethod)
        : base(generator, filenames.Length, batchSize, shuffle, seed, "ImageDataGenerator.FlowFromDirectory")
    {
        Directory = directory;
        ClassIndices = classIndices;
        Filenames = filenames;
        _filepaths = [.. filenames.Select(f => Path.Combine(directory, f))];
        Classes = classes;
        ClassMode = classMode;
        ColorMode = colorMode;
        ImageShape = [targetSize.Height, targetSize.Width, channels];
        (_channels, _targetSize, _interpolation) = (channels, targetSize, resizeMethod);
    }

    /// <summary>The folder the images were read from.</summary>
    public string Directory { get; }

    /// <summary>Class folder name to label index, folders in alphanumeric order (Keras's <c>class_indices</c>).</summary>
    public IReadOnlyDictionary<string, int> ClassIndices { get; }

    /// <summary>Number of classes.</summary>
    public int NumClasses => ClassIndices.Count;

    /// <summary>Each image's path relative to <see cref="Directory"/>, e.g. <c>cats/cat.1.jpg</c>, in index order (Keras's <c>filenames</c>).</summary>
    public IReadOnlyList<string> Filenames { get; }

    /// <summary>Each image's full path (Keras's <c>filepaths</c>).</summary>
    public IReadOnlyList<string> Filepaths => _filepaths;

    /// <summary>Each image's class index, in the order of <see cref="Filenames"/> (Keras's <c>classes</c>).</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>"categorical", "binary", "sparse" or "input".</summary>
    public string ClassMode { get; }

    /// <summary>"rgb", "rgba" or "grayscale".</summary>
    public string ColorMode { get; }

    /// <summary>(height, width, channels) of every image.</summary>
    public IReadOnlyList<long> ImageShape { get; }

    private protected override bool LabelsAreImages => ClassMode == "input";

    private protected override (Tensor Images, Tensor Labels) Load(long[] indices)
    {
        var images = new Tensor[indices.Length];
        try
        {
            for (int i = 0; i < indices.Length; i++)
                images[i] = Utils.LoadResized(_filepaths[indices[i]], _channels, _targetSize, _interpolation, cropToAspectRatio: false, caller: "ImageDataGenerator.FlowFromDirectory");
            var batch = stack(images);
            var classes = indices.Select(i => Classes[(int)i]).ToArray();
            Tensor labels = ClassMode switch
            {
                "categorical" => OneHot(classes, NumClasses),
                "binary" => tensor(classes.Select(c => (float)c).ToArray(), [classes.Length, 1], ScalarType.Float32),
                "sparse" => tensor(classes.Select(c => (float)c).ToArray(), ScalarType.Float32),
                _ => empty(0),
            };
            return (batch, labels);
        }
        finally
        {
            foreach (var image in images) image?.Dispose();
        }
    }

    static Tensor OneHot(int[] classes, int count)
    {
        var rows = new float[classes.Length * count];
        for (int i = 0; i < classes.Length; i++) rows[i * count + classes[i]] = 1;
        return tensor(rows, [classes.Length, count], ScalarType.Float32);
    }
}
