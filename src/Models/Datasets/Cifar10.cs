using System.Collections;
using System.Formats.Tar;
using System.IO.Compression;
using NumSharp;

namespace Pipeline.Models.Datasets;

/// <summary>
/// <c>keras.datasets.cifar10</c>: the 60,000 32x32 colour images of CIFAR-10 (50,000 training, 10,000 test) in 10
/// classes. Images are uint8 (samples, 32, 32, 3); labels int64 (samples, 1), as Keras returns them.
/// </summary>
public static class Cifar10
{
    /// <summary>The official download of the python release, which Keras reads.</summary>
    public const string Origin = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz";

    /// <summary>SHA-256 of <see cref="Origin"/>'s file (Keras's <c>file_hash</c>).</summary>
    public const string Sha256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce";

    /// <summary>The class names in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    const int Pixels = 32 * 32 * 3;

    /// <summary>
    /// <c>cifar10.load_data()</c>: reads the python release (pickled batches <c>data_batch_1..5</c> and <c>test_batch</c>).
    /// Without <paramref name="path"/> it downloads <see cref="Origin"/> once into the Keras cache
    /// (<c>~/.keras/datasets</c>) with <see cref="Utils.GetFile"/>, checking its SHA-256.
    /// </summary>
    /// <param name="path">The folder <c>cifar-10-batches-py</c>, the folder holding it, or the <c>.tar.gz</c>; null downloads.</param>
    /// <returns>((xTrain, yTrain), (xTest, yTest)).</returns>
    /// <exception cref="InvalidDataException">A batch is missing, not a pickle, or not shaped like CIFAR's.</exception>
    public static ((NDArray X, NDArray Y) Train, (NDArray X, NDArray Y) Test) LoadData(string? path = null)
    {
        path ??= Utils.GetFile("cifar-10-python.tar.gz", Origin, fileHash: Sha256);
        Func<string, Stream> open = OpenBatches(path);
        var train = Concatenate([.. Enumerable.Range(1, 5).Select(i => ReadPickledBatch(open, $"data_batch_{i}"))]);
        var test = ReadPickledBatch(open, "test_batch");
        return (ToKeras(train), ToKeras(test));
    }

    /// <summary>
    /// Reads CIFAR-10's binary release (<c>data_batch_1.bin..data_batch_5.bin</c>, <c>test_batch.bin</c>: records of one
    /// label byte and 3,072 pixel bytes) through <see cref="Dataset.FixedLengthRecordDataset"/>.
    /// </summary>
    /// <param name="directory">The folder <c>cifar-10-batches-bin</c>.</param>
    /// <returns>((xTrain, yTrain), (xTest, yTest)), as <see cref="LoadData"/>.</returns>
    public static ((NDArray X, NDArray Y) Train, (NDArray X, NDArray Y) Test) LoadBinary(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        (byte[] Data, long[] Labels) Read(string[] names)
        {
            var files = names.Select(n => Path.Combine(directory, n)).ToArray();
            foreach (var f in files)
            {
                if (!File.Exists(f)) throw new FileNotFoundException($"Cifar10.LoadBinary: '{f}' is missing.", f);
                if (new FileInfo(f).Length % (Pixels + 1) != 0)
                    throw new InvalidDataException($"Cifar10.LoadBinary: '{f}' is {new FileInfo(f).Length} bytes, not a whole number of {Pixels + 1}-byte records.");
            }
            var data = new List<byte>();
            var labels = new List<long>();
            foreach (var record in Dataset.FixedLengthRecordDataset(files, Pixels + 1))
            {
                labels.Add(record[0]);
                data.AddRange(record.AsSpan(1).ToArray());
            }
            return ([.. data], [.. labels]);
        }
        return (ToKeras(Read([.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin")])), ToKeras(Read(["test_batch.bin"])));
    }

    /// <summary>
    /// Reads a class-per-folder tree of 32x32 images (such as the JPEG re-encoding of CIFAR-10) into Keras's arrays:
    /// folders sorted alphabetically give the labels, files sorted within each folder.
    /// </summary>
    /// <param name="directory">The folder holding one sub-folder per class.</param>
    /// <returns>(x, y): uint8 (samples, 32, 32, 3) and int64 (samples, 1).</returns>
    public static (NDArray X, NDArray Y) LoadFolder(string directory)
    {
        var ds = Utils.ImageDatasetFromDirectory(directory, imageSize: (32, 32), shuffle: false, batchSize: 1024);
        var data = new byte[ds.FilePaths.Count * Pixels];
        int offset = 0;
        foreach (var (x, y) in ds)
            using (x)
            using (y)
            using (var bytes = x.round().clamp(0, 255).to_type(TorchSharp.torch.ScalarType.Byte))
            {
                bytes.bytes.CopyTo(data.AsSpan(offset));
                offset += (int)bytes.NumberOfElements;
            }
        return (new NDArray(data, new Shape(ds.FilePaths.Count, 32, 32, 3)), new NDArray(ds.Labels.ToArray(), new Shape(ds.Labels.Count, 1)));
    }

    static Func<string, Stream> OpenBatches(string path)
    {
        if (File.Exists(path))
        {
            // The .tar.gz: read the members we need straight from the archive.
            var members = new Dictionary<string, byte[]>();
            using (var file = File.OpenRead(path))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            using (var tar = new TarReader(gzip))
                while (tar.GetNextEntry() is { } entry)
                    if (entry.DataStream is { } data && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    {
                        using var ms = new MemoryStream();
                        data.CopyTo(ms);
                        members[Path.GetFileName(entry.Name)] = ms.ToArray();
                    }
            return name => members.TryGetValue(name, out var b) ? new MemoryStream(b, writable: false)
                : throw new InvalidDataException($"Cifar10.LoadData: '{path}' has no member '{name}'.");
        }
        var folder = Directory.Exists(Path.Combine(path, "cifar-10-batches-py")) ? Path.Combine(path, "cifar-10-batches-py") : path;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Cifar10.LoadData: '{path}' is neither the archive nor a folder of batches.");
        return name =>
        {
            var file = Path.Combine(folder, name);
            return File.Exists(file) ? File.OpenRead(file) : throw new FileNotFoundException($"Cifar10.LoadData: '{file}' is missing.", file);
        };
    }

    /// <summary>One pickled batch: a dict with <c>b'data'</c> (uint8 N x 3072: R, G, B planes per row) and <c>b'labels'</c>.</summary>
    internal static (byte[] Data, long[] Labels) ReadPickledBatch(Func<string, Stream> open, string name)
    {
        object root;
        using (var stream = open(name)) root = NumpyPickle.Load(stream, name);
        if (root is not IDictionary dict) throw new InvalidDataException($"'{name}': expected a dict, but the pickle holds {root?.GetType().Name ?? "None"}.");
        var array = NumpyPickle.Get(dict, "data") as NumpyArray
            ?? throw new InvalidDataException($"'{name}': no numpy array under b'data'.");
        if (array.Dtype?.Descriptor is not ("u1" or "|u1") || array.Shape.Length != 2 || array.Shape[1] != Pixels || array.FortranOrder)
            throw new InvalidDataException($"'{name}': b'data' must be a C-ordered uint8 array of shape (N, {Pixels}), but is {array.Dtype?.Descriptor} of shape ({string.Join(", ", array.Shape)}).");
        var labelList = NumpyPickle.Get(dict, "labels") as IList
            ?? throw new InvalidDataException($"'{name}': no list under b'labels'.");
        if (labelList.Count != array.Shape[0])
            throw new InvalidDataException($"'{name}': {labelList.Count} labels for {array.Shape[0]} images.");
        if (array.Data.Length != array.Shape[0] * Pixels)
            throw new InvalidDataException($"'{name}': b'data' holds {array.Data.Length} bytes, expected {array.Shape[0] * Pixels}.");
        return (array.Data, [.. labelList.Cast<object>().Select(Convert.ToInt64)]);
    }

    static (byte[] Data, long[] Labels) Concatenate((byte[] Data, long[] Labels)[] parts) =>
        ([.. parts.SelectMany(p => p.Data)], [.. parts.SelectMany(p => p.Labels)]);

    /// <summary>CIFAR rows are three 32x32 planes (R, G, B); Keras transposes them to (N, 32, 32, 3).</summary>
    static (NDArray X, NDArray Y) ToKeras((byte[] Data, long[] Labels) batch)
    {
        int n = batch.Labels.Length;
        var hwc = new byte[batch.Data.Length];
        Parallel.For(0, n, i =>
        {
            var src = batch.Data.AsSpan(i * Pixels, Pixels);
            var dst = hwc.AsSpan(i * Pixels, Pixels);
            for (int p = 0; p < 1024; p++)
            {
                dst[p * 3] = src[p];
                dst[p * 3 + 1] = src[1024 + p];
                dst[p * 3 + 2] = src[2048 + p];
            }
        });
        return (new NDArray(hwc, new Shape(n, 32, 32, 3)), new NDArray(batch.Labels, new Shape(n, 1)));
    }
}
