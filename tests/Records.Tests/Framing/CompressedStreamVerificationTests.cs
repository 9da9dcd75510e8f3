using System.IO.Compression;
using Pipeline.Records;

namespace Records.Tests.Framing;

/// <summary>
/// A GZIP or ZLIB TFRecord file is only complete when its compressed stream ends with a valid trailer: .NET's own
/// decompressors report a clean end when the input merely runs out, which read truncated files as shorter ones.
/// </summary>
public class CompressedStreamVerificationTests
{
    static readonly byte[][] Records = Enumerable.Range(0, 40).Select(i => Enumerable.Range(0, 100 + i).Select(b => (byte)(b * i)).ToArray()).ToArray();

    static byte[] Compress(byte[] plain, TFRecordCompression compression)
    {
        var ms = new MemoryStream();
        using (Stream z = compression == TFRecordCompression.Gzip
            ? new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)
            : new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(plain);
        return ms.ToArray();
    }

    static byte[] Written(TFRecordCompression compression)
    {
        var ms = new MemoryStream();
        using (var writer = new TFRecordWriter(ms, compression, leaveOpen: true))
            foreach (var r in Records) writer.Write(r);
        return ms.ToArray();
    }

    static DataLossException Loss(byte[] bytes, TFRecordCompression compression) =>
        Assert.Throws<DataLossException>(() => ReadAll(bytes, compression));

    /// <summary>Every record, read with a small buffer: the sweeps open thousands of readers.</summary>
    static List<byte[]> ReadAll(byte[] bytes, TFRecordCompression compression)
    {
        var records = new List<byte[]>();
        using var reader = new TFRecordReader(new MemoryStream(bytes), compression, bufferSize: 4096, name: "memory");
        while (reader.TryReadNext(out var r)) records.Add(r.ToArray());
        return records;
    }

    public static TheoryData<string> GzipFixtures => ["penguin-train", "penguin-eval", "nucleus"];

    static string FixturePath(string name) => name switch
    {
        "penguin-train" => Fixtures.PenguinTrain,
        "penguin-eval" => Fixtures.PenguinEval,
        _ => Fixtures.NucleusGzip,
    };

    [Theory]
    [MemberData(nameof(GzipFixtures))]
    public void Every_cut_point_of_a_gzip_fixture_is_data_loss_and_the_whole_file_reads_completely(string name)
    {
        var original = File.ReadAllBytes(FixturePath(name));
        int expected = Fixtures.Frame(Fixtures.ReadAll(Fixtures.Gunzip(FixturePath(name)))).Length;
        Assert.Equal(Fixtures.Gunzip(FixturePath(name)).Length, expected); // the fixture itself is whole
        var accepted = new List<int>();
        for (int cut = 0; cut < original.Length; cut++)
        {
            try
            {
                ReadAll(original[..cut], TFRecordCompression.Gzip);
                accepted.Add(cut);
            }
            catch (DataLossException e)
            {
                Assert.Equal("memory", e.FileName);
                Assert.InRange(e.Offset, 0, expected);
            }
        }
        Assert.Empty(accepted);
        Assert.Equal(Fixtures.ReadAll(Fixtures.Gunzip(FixturePath(name))), Fixtures.ReadAll(original, TFRecordCompression.Gzip));
    }

    [Fact]
    public void Every_cut_point_of_a_zlib_file_is_data_loss()
    {
        var original = Written(TFRecordCompression.Zlib);
        Assert.Equal(Records, Fixtures.ReadAll(original, TFRecordCompression.Zlib));
        for (int cut = 0; cut < original.Length; cut++)
            Loss(original[..cut], TFRecordCompression.Zlib);
    }

    [Fact]
    public void A_truncated_file_on_disk_names_the_file_the_offset_and_the_missing_trailer()
    {
        using var dir = new TempDir();
        var path = dir.File("cut.tfrecord.gz");
        var whole = Written(TFRecordCompression.Gzip);
        File.WriteAllBytes(path, whole[..^6]); // only the last 6 bytes of the trailer are missing
        var e = Assert.Throws<DataLossException>(() => Fixtures.ReadAll(path, TFRecordCompression.Gzip));
        Assert.Equal(path, e.FileName);
        Assert.Contains(path, e.Message);
        Assert.Contains("GZIP stream is truncated", e.Message);
        Assert.Contains($"compressed byte {whole.Length - 6}", e.Message);
        Assert.Contains("CRC-32/ISIZE trailer", e.Message);
        Assert.Equal(Fixtures.Frame(Records).Length, e.Offset); // every record was decompressed; only the proof of completeness is missing
    }

    [Theory]
    [InlineData(8, "incorrect data check")]   // CRC-32 (first trailer byte)
    [InlineData(2, "incorrect length check")] // ISIZE
    public void A_wrong_gzip_trailer_is_data_loss(int fromEnd, string zlibSays)
    {
        var bytes = Written(TFRecordCompression.Gzip);
        bytes[^fromEnd] ^= 0x01;
        var e = Loss(bytes, TFRecordCompression.Gzip);
        Assert.Contains(zlibSays, e.Message);
    }

    [Fact]
    public void A_wrong_adler32_trailer_is_data_loss()
    {
        var bytes = Written(TFRecordCompression.Zlib);
        bytes[^1] ^= 0x80;
        Assert.Contains("incorrect data check", Loss(bytes, TFRecordCompression.Zlib).Message);
    }

    [Theory]
    [InlineData(TFRecordCompression.Gzip)]
    [InlineData(TFRecordCompression.Zlib)]
    public void Trailing_garbage_is_data_loss(TFRecordCompression compression)
    {
        var whole = Written(compression);
        var e = Loss([.. whole, 0x42, 0x42], compression);
        Assert.Contains($"compressed byte {whole.Length}", e.Message);
    }

    [Fact]
    public void Concatenated_gzip_members_read_as_one_file_like_gzip_does()
    {
        var first = Compress(Fixtures.Frame(Records[..10]), TFRecordCompression.Gzip);
        var second = Compress(Fixtures.Frame(Records[10..]), TFRecordCompression.Gzip);
        Assert.Equal(Records, Fixtures.ReadAll([.. first, .. second], TFRecordCompression.Gzip));
        // A cut inside the second member is still data loss, and names the member.
        var e = Loss([.. first, .. second[..^3]], TFRecordCompression.Gzip);
        Assert.Contains("GZIP member 2", e.Message);
        // So is a second member that is not gzip at all.
        Loss([.. first, 0x1f, 0x00, 0x00], TFRecordCompression.Gzip);
    }

    [Fact]
    public void Zero_padding_after_a_gzip_stream_is_ignored_as_gzip_does_but_nothing_after_it()
    {
        var whole = Written(TFRecordCompression.Gzip);
        Assert.Equal(Records, Fixtures.ReadAll([.. whole, 0, 0, 0, 0], TFRecordCompression.Gzip));
        Loss([.. whole, 0, 0, 7], TFRecordCompression.Gzip);
    }

    [Fact]
    public void A_second_zlib_stream_is_data_loss_rather_than_records_silently_dropped()
    {
        var first = Compress(Fixtures.Frame(Records[..10]), TFRecordCompression.Zlib);
        var second = Compress(Fixtures.Frame(Records[10..]), TFRecordCompression.Zlib);
        var e = Loss([.. first, .. second], TFRecordCompression.Zlib);
        Assert.Contains($"a second ZLIB stream starts at compressed byte {first.Length}", e.Message);
    }

    [Theory]
    [InlineData(TFRecordCompression.Gzip)]
    [InlineData(TFRecordCompression.Zlib)]
    public void An_empty_compressed_file_is_data_loss_not_zero_records(TFRecordCompression compression)
    {
        Assert.Contains("truncated", Loss([], compression).Message);
    }

    [Fact]
    public void Skip_mode_keeps_the_records_before_a_truncation_and_counts_the_loss()
    {
        var whole = Written(TFRecordCompression.Gzip);
        using var reader = new TFRecordReader(new MemoryStream(whole[..(whole.Length / 2)]), TFRecordCompression.Gzip, skipCorrupt: true);
        var read = new List<byte[]>();
        while (reader.TryReadNext(out var r)) read.Add(r.ToArray());
        Assert.NotEmpty(read);
        Assert.Equal(Records[..read.Count], read);
        Assert.True(reader.SkippedRecords >= 1);
    }

    [Fact]
    public void Large_files_read_back_exactly_across_many_input_buffers()
    {
        var rng = new Random(5);
        var big = Enumerable.Range(0, 300).Select(_ => { var b = new byte[rng.Next(1, 4000)]; rng.NextBytes(b); return b; }).ToArray();
        foreach (var compression in new[] { TFRecordCompression.Gzip, TFRecordCompression.Zlib })
        {
            var ms = new MemoryStream();
            using (var w = new TFRecordWriter(ms, compression, leaveOpen: true)) foreach (var r in big) w.Write(r);
            Assert.Equal(big, Fixtures.ReadAll(ms.ToArray(), compression));
        }
    }

    [Theory]
    [InlineData(TFRecordCompression.Gzip, "1f8b080000000000000303000000000000000000")]
    [InlineData(TFRecordCompression.Zlib, "789c030000000001")]
    public void A_compressed_file_with_no_records_is_a_valid_empty_stream_as_zlib_writes_it(TFRecordCompression compression, string zlibHex)
    {
        // zlibHex: python3 -c "import zlib; c = zlib.compressobj(6, zlib.DEFLATED, 31); print((c.compress(b'') + c.flush()).hex())"
        // (wbits 15 for ZLIB). .NET's own streams write nothing at all, which a reader cannot tell from a file cut short.
        using var dir = new TempDir();
        var path = dir.File("empty.tfrecord");
        Assert.Equal(0, TFRecordWriter.WriteAll(path, Array.Empty<byte[]>(), compression));
        Assert.Equal(zlibHex, Convert.ToHexStringLower(File.ReadAllBytes(path)));
        Assert.Empty(Fixtures.ReadAll(path, compression));
    }
}
