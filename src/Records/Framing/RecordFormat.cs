using System.Buffers.Binary;
using System.IO.Compression;

namespace Pipeline.Records.Framing;

/// <summary>The TFRecord frame layout and the compression streams, shared by reader and writer.</summary>
internal static class RecordFormat
{
    /// <summary>uint64 length + uint32 masked CRC of the length.</summary>
    public const int HeaderSize = 12;
    /// <summary>uint32 masked CRC of the data.</summary>
    public const int FooterSize = 4;

    /// <summary>Fills <paramref name="header"/> (12 bytes) for a record of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> header, ulong length)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(header, length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
    }

    /// <summary>
    /// Wraps <paramref name="inner"/> for reading the decompressed bytes; truncation, bad checksums and trailing data
    /// raise <see cref="InvalidDataException"/> (see <see cref="VerifiedInflateStream"/>).
    /// </summary>
    public static Stream Decompress(Stream inner, TFRecordCompression compression, bool leaveOpen) => compression switch
    {
        TFRecordCompression.None => inner,
        TFRecordCompression.Gzip or TFRecordCompression.Zlib => new VerifiedInflateStream(inner, compression, leaveOpen),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Expected None, Gzip or Zlib."),
    };

    /// <summary>
    /// What zlib (and so TensorFlow) writes for a compressed stream of no bytes: a GZIP header (no name, mtime 0,
    /// OS Unix), an empty final block and the trailer; or the ZLIB header, the empty block and Adler-32 of nothing (1).
    /// </summary>
    public static ReadOnlySpan<byte> EmptyCompressedStream(TFRecordCompression compression) => compression == TFRecordCompression.Gzip
        ? [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        : [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];

    /// <summary>Throws unless <paramref name="level"/> is -1 (zlib's default) or 0..9.</summary>
    public static void ValidateLevel(int level)
    {
        if (level is < -1 or > 9)
            throw new ArgumentOutOfRangeException("compressionLevel", level, "compressionLevel must be -1 (default) or 0..9, as in tf.io.TFRecordOptions.");
    }

    /// <summary>Wraps <paramref name="inner"/> for writing compressed bytes; level -1 is zlib's default (6).</summary>
    public static Stream Compress(Stream inner, TFRecordCompression compression, int level, bool leaveOpen)
    {
        ValidateLevel(level);
        var options = new ZLibCompressionOptions { CompressionLevel = level < 0 ? 6 : level };
        return compression switch
        {
            TFRecordCompression.None => inner,
            TFRecordCompression.Gzip => new GZipStream(inner, options, leaveOpen),
            TFRecordCompression.Zlib => new ZLibStream(inner, options, leaveOpen),
            _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Expected None, Gzip or Zlib."),
        };
    }
}
