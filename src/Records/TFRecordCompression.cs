namespace Pipeline.Records;

/// <summary>
/// How a TFRecord file is compressed, as <c>tf.io.TFRecordOptions(compression_type=...)</c>:
/// <c>""</c> is <see cref="None"/>, <c>"GZIP"</c> is <see cref="Gzip"/>, <c>"ZLIB"</c> is <see cref="Zlib"/>.
/// The whole file is one compressed stream; framing and CRCs apply to the decompressed bytes.
/// </summary>
public enum TFRecordCompression
{
    /// <summary>Plain framing, no compression.</summary>
    None = 0,
    /// <summary>RFC 1952 gzip stream (any header flags, any OS byte).</summary>
    Gzip = 1,
    /// <summary>RFC 1950 zlib stream.</summary>
    Zlib = 2,
}
