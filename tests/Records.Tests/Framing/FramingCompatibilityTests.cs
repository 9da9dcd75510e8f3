using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Pipeline.Records;
using Pipeline.Records.Framing;

namespace Records.Tests.Framing;

/// <summary>Files written by TensorFlow (and Beam's TF-compatible sink) read back, and our framing of their payloads is byte-identical.</summary>
public class FramingCompatibilityTests
{
    public static TheoryData<string, int> UncompressedFixtures => new()
    {
        { "deeplab", 3 },
        { "lingvo", 100 },
        { "nucleus", 4 },
        { "tf2events", 101 },
        { "tf1events", 361 },
    };

    private static string PathOf(string name) => name switch
    {
        "deeplab" => Fixtures.Deeplab,
        "lingvo" => Fixtures.Lingvo,
        "nucleus" => Fixtures.NucleusPlain,
        "tf2events" => Fixtures.Tf2Events,
        _ => Fixtures.Tf1Events,
    };

    [Theory]
    [MemberData(nameof(UncompressedFixtures))]
    public void Uncompressed_fixture_reads_the_documented_record_count_and_our_writer_reproduces_it_byte_for_byte(string name, int count)
    {
        var path = PathOf(name);
        var records = Fixtures.ReadAll(path);
        Assert.Equal(count, records.Count);
        Assert.Equal(File.ReadAllBytes(path), Fixtures.Frame(records));
    }

    [Fact]
    public void Our_crcs_match_every_stored_crc_in_a_tensorflow_file()
    {
        // Independent of the reader: walk the frames by hand.
        var bytes = File.ReadAllBytes(Fixtures.Lingvo);
        int pos = 0, n = 0;
        while (pos < bytes.Length)
        {
            var len = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(pos));
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 8)), Crc32C.Masked(bytes.AsSpan(pos, 8)));
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 12 + len)), Crc32C.Masked(bytes.AsSpan(pos + 12, len)));
            pos += 16 + len;
            n++;
        }
        Assert.Equal(100, n);
    }

    [Theory]
    [InlineData("penguin-train", 234, 35_568)]
    [InlineData("penguin-eval", 100, 15_200)]
    [InlineData("sequence-eval", 4_500, 340_200)]
    [InlineData("sequence-train", 10_500, 771_469)]
    public void Gzip_fixture_reads_the_documented_record_count_and_our_framing_equals_its_decompressed_bytes(string name, int count, int decompressedSize)
    {
        var path = name switch
        {
            "penguin-train" => Fixtures.PenguinTrain,
            "penguin-eval" => Fixtures.PenguinEval,
            "sequence-eval" => Fixtures.SequenceEval,
            _ => Fixtures.SequenceTrain,
        };
        var records = Fixtures.ReadAll(path, TFRecordCompression.Gzip);
        Assert.Equal(count, records.Count);
        var plain = Fixtures.Gunzip(path);
        Assert.Equal(decompressedSize, plain.Length);
        Assert.Equal(plain, Fixtures.Frame(records));
    }

    [Fact]
    public void Nucleus_gzip_file_with_an_fname_header_holds_the_same_records_as_the_plain_file()
    {
        var plain = Fixtures.ReadAll(Fixtures.NucleusPlain);
        var gz = Fixtures.ReadAll(Fixtures.NucleusGzip, TFRecordCompression.Gzip);
        Assert.Equal(4, gz.Count);
        Assert.Equal(plain, gz);
        // FastqRecord field 1 = id, 3 = sequence: record 0 is NODESC:header / GATTACA, record 3 FASTQ_with_trailing_space / CGG.
        var first = Google.Protobuf.WellKnownTypes.Empty.Parser.ParseFrom(plain[0]); // parse as an empty message: only checks wire validity
        Assert.NotNull(first);
        var text0 = Encoding.ASCII.GetString(plain[0]);
        Assert.Contains("NODESC:header", text0);
        Assert.Contains("GATTACA", text0);
        Assert.Contains("BB>B@FA", text0);
        var text3 = Encoding.ASCII.GetString(plain[3]);
        Assert.Contains("FASTQ_with_trailing_space", text3);
        Assert.Contains("CGG", text3);
    }

    [Theory]
    [InlineData(TFRecordCompression.Gzip)]
    [InlineData(TFRecordCompression.Zlib)]
    public void Compressed_files_we_write_are_standard_streams_holding_identical_framing(TFRecordCompression compression)
    {
        var records = Fixtures.ReadAll(Fixtures.Lingvo);
        using var dir = new TempDir();
        var path = dir.File("out.tfrecord");
        using (var writer = new TFRecordWriter(path, compression))
        {
            foreach (var r in records) writer.Write(r);
            writer.Close();
        }
        // Decompress with the framework's own decoder, independent of our reader.
        using var file = File.OpenRead(path);
        using Stream decoder = compression == TFRecordCompression.Gzip
            ? new GZipStream(file, CompressionMode.Decompress)
            : new ZLibStream(file, CompressionMode.Decompress);
        var plain = new MemoryStream();
        decoder.CopyTo(plain);
        Assert.Equal(File.ReadAllBytes(Fixtures.Lingvo), plain.ToArray());
        Assert.Equal(records, Fixtures.ReadAll(path, compression));
        if (compression == TFRecordCompression.Gzip)
        {
            var head = File.ReadAllBytes(path).AsSpan(0, 4).ToArray();
            Assert.Equal(new byte[] { 0x1f, 0x8b, 0x08, 0x00 }, head); // no FNAME, like TensorFlow's writer
        }
    }
}
