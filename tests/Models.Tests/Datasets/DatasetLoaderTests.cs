using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using NumSharp;
using Pipeline.Models.Datasets;

namespace Pipeline.Models.Tests.Datasets;

public sealed class DatasetLoaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("datasets-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string PickleFixtures => Path.Combine(AppContext.BaseDirectory, "Datasets", "Fixtures", "cifar-10-batches-py");

    /// <summary>The value make_cifar_pickles.py stores at batch b, image i, channel c, pixel p.</summary>
    static byte Expected(int b, int i, int c, int p) => (byte)((b * 16 + i * 4 + c * 64 + p) % 256);

    [Fact]
    public void Cifar10_python_batches_load_in_keras_shapes_with_planes_transposed_to_channels_last()
    {
        var ((xTrain, yTrain), (xTest, yTest)) = Cifar10.LoadData(PickleFixtures);
        Assert.Equal(new long[] { 10, 32, 32, 3 }, xTrain.shape);
        Assert.Equal(NPTypeCode.Byte, xTrain.typecode);
        Assert.Equal(new long[] { 10, 1 }, yTrain.shape);
        Assert.Equal(new long[] { 2, 32, 32, 3 }, xTest.shape);
        // data_batch_3 (b = 2), image 1 is training sample 5; pixel (row 4, column 7) is p = 4 * 32 + 7.
        for (int c = 0; c < 3; c++) Assert.Equal(Expected(2, 1, c, 4 * 32 + 7), xTrain.GetByte(5, 4, 7, c));
        Assert.Equal(Expected(5, 0, 2, 1023), xTest.GetByte(0, 31, 31, 2));
        // labels (b + i) % 10 in batch order.
        Assert.Equal(new long[] { 0, 1, 1, 2, 2, 3, 3, 4, 4, 5 }, yTrain.ToArray<long>());
        Assert.Equal(new long[] { 5, 6 }, yTest.ToArray<long>());
    }

    [Fact]
    public void Cifar10_reads_the_tar_gz_archive_as_downloaded()
    {
        var archive = Path.Combine(_dir, "cifar-10-python.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip))
            foreach (var f in Directory.GetFiles(PickleFixtures))
                tar.WriteEntry(f, "cifar-10-batches-py/" + Path.GetFileName(f));
        var ((xTrain, _), (_, yTest)) = Cifar10.LoadData(archive);
        Assert.Equal(10, xTrain.shape[0]);
        Assert.Equal(new long[] { 5, 6 }, yTest.ToArray<long>());
    }

    [Fact]
    public void Cifar10_names_a_batch_that_is_not_a_pickle()
    {
        foreach (var f in Directory.GetFiles(PickleFixtures)) File.Copy(f, Path.Combine(_dir, Path.GetFileName(f)));
        File.WriteAllBytes(Path.Combine(_dir, "data_batch_4"), [0x80, 0x02, 0x7D, 0x71]);   // cut after four bytes
        var error = Assert.Throws<InvalidDataException>(() => Cifar10.LoadData(_dir));
        Assert.Contains("data_batch_4", error.Message);
    }

    [Fact]
    public void Cifar10_binary_records_give_the_same_arrays_as_the_python_batches()
    {
        // The binary release: per image one label byte then the 3,072 planar pixel bytes.
        var names = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}").Append("test_batch").ToArray();
        for (int b = 0; b < names.Length; b++)
        {
            var bytes = new List<byte>();
            for (int i = 0; i < 2; i++)
            {
                bytes.Add((byte)((b + i) % 10));
                for (int c = 0; c < 3; c++) for (int p = 0; p < 1024; p++) bytes.Add(Expected(b, i, c, p));
            }
            File.WriteAllBytes(Path.Combine(_dir, names[b] + ".bin"), [.. bytes]);
        }
        var ((xb, yb), (xbt, ybt)) = Cifar10.LoadBinary(_dir);
        var ((xp, yp), (xpt, ypt)) = Cifar10.LoadData(PickleFixtures);
        Assert.Equal(xp.ToArray<byte>(), xb.ToArray<byte>());
        Assert.Equal(yp.ToArray<long>(), yb.ToArray<long>());
        Assert.Equal(xpt.ToArray<byte>(), xbt.ToArray<byte>());
        Assert.Equal(ypt.ToArray<long>(), ybt.ToArray<long>());
        File.WriteAllBytes(Path.Combine(_dir, "test_batch.bin"), new byte[100]);
        Assert.Contains("not a whole number of 3073-byte records", Assert.Throws<InvalidDataException>(() => Cifar10.LoadBinary(_dir)).Message);
    }

    [Fact]
    public void Cifar10_folder_tree_reads_32x32_images_with_folder_labels()
    {
        for (int c = 0; c < 2; c++)
        {
            Directory.CreateDirectory(Path.Combine(_dir, $"class{c}"));
            using var image = TorchSharp.torch.full([32, 32, 3], 10 * (c + 1), dtype: TorchSharp.torch.ScalarType.Byte);
            File.WriteAllBytes(Path.Combine(_dir, $"class{c}", "0.png"), Pipeline.Image.EncodePng(image));
        }
        var (x, y) = Cifar10.LoadFolder(_dir);
        Assert.Equal(new long[] { 2, 32, 32, 3 }, x.shape);
        Assert.Equal(20, x.GetByte(1, 5, 5, 2));
        Assert.Equal(new long[] { 0, 1 }, y.ToArray<long>());
    }

    static void WriteIdx(string path, int[] shape, byte[] data, bool gzip)
    {
        using var file = File.Create(path);
        using Stream s = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        s.Write([0, 0, 0x08, (byte)shape.Length]);
        Span<byte> size = stackalloc byte[4];
        foreach (var d in shape) { BinaryPrimitives.WriteInt32BigEndian(size, d); s.Write(size); }
        s.Write(data);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mnist_idx_files_load_as_keras_arrays(bool gzip)
    {
        var ext = gzip ? ".gz" : "";
        var train = Enumerable.Range(0, 3 * 28 * 28).Select(i => (byte)(i % 251)).ToArray();
        WriteIdx(Path.Combine(_dir, "train-images-idx3-ubyte" + ext), [3, 28, 28], train, gzip);
        WriteIdx(Path.Combine(_dir, "train-labels-idx1-ubyte" + ext), [3], [7, 8, 9], gzip);
        WriteIdx(Path.Combine(_dir, "t10k-images-idx3-ubyte" + ext), [1, 28, 28], new byte[784], gzip);
        WriteIdx(Path.Combine(_dir, "t10k-labels-idx1-ubyte" + ext), [1], [4], gzip);
        var ((x, y), (xt, yt)) = Mnist.LoadData(_dir);
        Assert.Equal(new long[] { 3, 28, 28 }, x.shape);
        Assert.Equal(train[784 + 28 * 2 + 5], x.GetByte(1, 2, 5));
        Assert.Equal(new byte[] { 7, 8, 9 }, y.ToArray<byte>());
        Assert.Equal(new long[] { 1, 28, 28 }, xt.shape);
        Assert.Equal(new byte[] { 4 }, yt.ToArray<byte>());
    }

    [Fact]
    public void Mnist_reports_a_truncated_idx_file()
    {
        WriteIdx(Path.Combine(_dir, "train-images-idx3-ubyte"), [3, 28, 28], new byte[100], gzip: false);
        WriteIdx(Path.Combine(_dir, "train-labels-idx1-ubyte"), [3], [1, 2, 3], gzip: false);
        var error = Assert.Throws<InvalidDataException>(() => Mnist.LoadData(_dir));
        Assert.Contains("truncated", error.Message);
        Assert.Contains("train-images-idx3-ubyte", error.Message);
    }
}
