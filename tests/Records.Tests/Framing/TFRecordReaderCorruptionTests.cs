using System.Buffers.Binary;
using System.IO.Compression;
using Pipeline.Records;
using Pipeline.Records.Framing;

namespace Records.Tests.Framing;

public class TFRecordReaderCorruptionTests
{
    private static byte[] ThreeRecords() => Fixtures.Frame([new byte[] { 1, 2, 3, 4 }, new byte[100], new byte[] { 9 }]);

    private static DataLossException ReadExpectingLoss(byte[] bytes, TFRecordCompression c = TFRecordCompression.None) =>
        Assert.Throws<DataLossException>(() => Fixtures.ReadAll(bytes, c));

    [Fact]
    public void A_flipped_data_byte_raises_data_loss_naming_the_file_and_the_records_offset()
    {
        using var dir = new TempDir();
        var bytes = ThreeRecords();
        bytes[20 + 12 + 50] ^= 0x40; // inside record 1's data (record 0 is 20 bytes long)
        var path = dir.File("bad.tfrecord");
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<DataLossException>(() => Fixtures.ReadAll(path));
        Assert.Equal(20, ex.Offset);
        Assert.Equal(path, ex.FileName);
        Assert.Contains("bad.tfrecord", ex.Message);
        Assert.Contains("offset 20", ex.Message);
        Assert.Contains("data CRC mismatch", ex.Message);
    }

    [Fact]
    public void A_flipped_length_byte_raises_data_loss_at_that_record()
    {
        var bytes = ThreeRecords();
        bytes[20 + 1] ^= 0x01;
        var ex = ReadExpectingLoss(bytes);
        Assert.Equal(20, ex.Offset);
        Assert.Contains("length CRC mismatch", ex.Message);
    }

    [Fact]
    public void A_truncated_file_raises_data_loss_naming_the_last_records_offset()
    {
        var bytes = ThreeRecords();
        var ex = ReadExpectingLoss(bytes[..^2]);
        Assert.Equal(20 + 116, ex.Offset);
        var header = ReadExpectingLoss(bytes[..(20 + 116 + 5)]);
        Assert.Contains("truncated record header", header.Message);
    }

    [Fact]
    public void An_absurd_length_with_a_valid_length_crc_is_reported_without_allocating_it()
    {
        // A crafted header: 2^40 bytes claimed, CRC correct, followed by a few bytes.
        var bytes = new byte[12 + 64];
        RecordFormat.WriteHeader(bytes, 1UL << 40);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = ReadExpectingLoss(bytes);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Equal(0, ex.Offset);
        Assert.Contains(((1UL << 40)).ToString(), ex.Message);
    }

    [Fact]
    public void A_length_past_the_end_of_a_compressed_stream_grows_the_buffer_only_as_bytes_arrive()
    {
        var plain = new byte[12 + 1000];
        RecordFormat.WriteHeader(plain, 1UL << 30); // claims 1 GiB, only 1000 bytes follow
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(plain);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = ReadExpectingLoss(gz.ToArray(), TFRecordCompression.Gzip);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the claimed gigabyte must not be allocated");
        Assert.Contains("truncated record", ex.Message);
    }

    [Fact]
    public void Reading_a_gzip_file_as_uncompressed_hints_at_the_compression()
    {
        var ex = Assert.Throws<DataLossException>(() => Fixtures.ReadAll(Fixtures.PenguinTrain));
        Assert.Contains("compression: Gzip", ex.Message);
    }

    [Fact]
    public void Reading_a_plain_file_as_gzip_is_data_loss_at_offset_zero()
    {
        var ex = Assert.Throws<DataLossException>(() => Fixtures.ReadAll(Fixtures.NucleusPlain, TFRecordCompression.Gzip));
        Assert.Contains("GZIP stream is damaged near compressed byte", ex.Message);
        Assert.Contains("incorrect header check (is the file really GZIP-compressed?", ex.Message);
    }

    [Fact]
    public void Skip_mode_drops_a_record_with_bad_data_and_counts_it()
    {
        var bytes = ThreeRecords();
        bytes[20 + 12 + 50] ^= 0x40;
        using var reader = new TFRecordReader(new MemoryStream(bytes), skipCorrupt: true);
        var read = new List<byte[]>();
        while (reader.TryReadNext(out var r)) read.Add(r.ToArray());
        Assert.Equal([new byte[] { 1, 2, 3, 4 }, new byte[] { 9 }], read);
        Assert.Equal(1, reader.SkippedRecords);
        Assert.Equal(116, reader.SkippedBytes);
    }

    [Fact]
    public void Skip_mode_resynchronises_after_a_damaged_header()
    {
        var bytes = ThreeRecords();
        bytes[20 + 3] ^= 0xff;
        using var reader = new TFRecordReader(new MemoryStream(bytes), skipCorrupt: true);
        var read = new List<byte[]>();
        while (reader.TryReadNext(out var r)) read.Add(r.ToArray());
        Assert.Equal([new byte[] { 1, 2, 3, 4 }, new byte[] { 9 }], read);
        Assert.Equal(1, reader.SkippedRecords);
        Assert.Equal(116, reader.SkippedBytes);
    }

    [Fact]
    public void Skip_mode_drops_a_truncated_tail()
    {
        var bytes = ThreeRecords()[..^3];
        using var reader = new TFRecordReader(new MemoryStream(bytes), skipCorrupt: true);
        int n = 0;
        while (reader.TryReadNext(out _)) n++;
        Assert.Equal(2, n);
        Assert.Equal(1, reader.SkippedRecords);
        Assert.Equal(14, reader.SkippedBytes);
    }

    [Fact]
    public void Records_larger_than_the_read_buffer_are_read_whole()
    {
        var big = new byte[300_000];
        new Random(3).NextBytes(big);
        var bytes = Fixtures.Frame([big, [5], big]);
        using var reader = new TFRecordReader(new MemoryStream(bytes), bufferSize: 1024);
        Assert.True(reader.TryReadNext(out var a));
        Assert.True(a.Span.SequenceEqual(big));
        Assert.True(reader.TryReadNext(out var b));
        Assert.Equal([5], b.ToArray());
        Assert.True(reader.TryReadNext(out var c));
        Assert.True(c.Span.SequenceEqual(big));
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(bytes.Length, reader.Offset);
    }

    [Fact]
    public void A_missing_file_names_the_path()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => new TFRecordReader("/no/such/file.tfrecord"));
        Assert.Contains("/no/such/file.tfrecord", ex.Message);
    }

    [Fact]
    public void Header_fields_are_little_endian_as_tensorflow_writes_them()
    {
        var bytes = Fixtures.Frame([new byte[258]]);
        Assert.Equal(258UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(12 + 258 + 4, bytes.Length);
    }
}
