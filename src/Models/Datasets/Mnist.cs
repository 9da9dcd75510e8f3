using System.Buffers.Binary;
using System.IO.Compression;
using NumSharp;

namespace Pipeline.Models.Datasets;

/// <summary>
/// <c>keras.datasets.mnist</c> and <c>fashion_mnist</c> from the IDX files (<c>train-images-idx3-ubyte[.gz]</c>,
/// <c>train-labels-idx1-ubyte[.gz]</c>, <c>t10k-...</c>): images uint8 (samples, 28, 28), labels uint8 (samples).
/// </summary>
public static class Mnist
{
    /// <summary>
    /// Reads the four IDX files (gzip-compressed or not) from <paramref name="directory"/>.
    /// </summary>
    /// <param name="directory">The folder holding the IDX files.</param>
    /// <returns>((xTrain, yTrain), (xTest, yTest)).</returns>
    /// <exception cref="InvalidDataException">A file is not an IDX file of the expected kind, or images and labels disagree in count.</exception>
    public static ((NDArray X, NDArray Y) Train, (NDArray X, NDArray Y) Test) LoadData(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        (NDArray, NDArray) Pair(string prefix)
        {
            var images = ReadIdx(Find(directory, $"{prefix}-images-idx3-ubyte"), 3);
            var labels = ReadIdx(Find(directory, $"{prefix}-labels-idx1-ubyte"), 1);
            if (images.Shape[0] != labels.Shape[0])
                throw new InvalidDataException($"Mnist.LoadData: {images.Shape[0]} {prefix} images but {labels.Shape[0]} labels in '{directory}'.");
            return (new NDArray(images.Data, new Shape([.. images.Shape.Select(d => (int)d)])), new NDArray(labels.Data, new Shape((int)labels.Shape[0])));
        }
        return (Pair("train"), Pair("t10k"));
    }

    static string Find(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"Mnist.LoadData: neither '{name}.gz' nor '{name}' is in '{directory}'.", Path.Combine(directory, name));
    }

    /// <summary>An IDX file: magic 0x00 0x00 type dims, then big-endian int32 sizes, then the data (uint8 here).</summary>
    internal static (long[] Shape, byte[] Data) ReadIdx(string path, int expectedDims)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> header = stackalloc byte[4];
        stream.ReadExactly(header);
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] != expectedDims)
            throw new InvalidDataException($"'{path}': expected an IDX file of uint8 (type 0x08) with {expectedDims} dimensions, but the magic number is {Convert.ToHexString(header)}.");
        var shape = new long[expectedDims];
        Span<byte> size = stackalloc byte[4];
        for (int i = 0; i < expectedDims; i++)
        {
            stream.ReadExactly(size);
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(size);
            if (shape[i] < 0) throw new InvalidDataException($"'{path}': dimension {i} is negative ({shape[i]}).");
        }
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var data = new byte[count];
        try
        {
            stream.ReadExactly(data);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{path}': truncated: the header announces ({string.Join(", ", shape)}) = {count:N0} bytes of data.", e);
        }
        if (stream.ReadByte() != -1)
            throw new InvalidDataException($"'{path}': more data than the header's ({string.Join(", ", shape)}).");
        return (shape, data);
    }
}
