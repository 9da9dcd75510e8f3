namespace Pipeline.Records;

/// <summary>
/// A TFRecord file is corrupt or truncated (TensorFlow's <c>tf.errors.DataLossError</c>):
/// a CRC mismatch, a record cut short, or a length that cannot be right.
/// The message names the file and the byte offset of the bad record.
/// </summary>
public sealed class DataLossException : IOException
{
    /// <summary>Creates the exception for the record at <paramref name="offset"/> in <paramref name="fileName"/>.</summary>
    /// <param name="fileName">The file (or stream name) being read.</param>
    /// <param name="offset">Byte offset of the start of the bad record; in the decompressed bytes for compressed files.</param>
    /// <param name="reason">What is wrong, with expected vs actual values.</param>
    /// <param name="inner">The underlying error, e.g. from the decompressor.</param>
    public DataLossException(string fileName, long offset, string reason, Exception? inner = null)
        : base($"Corrupted TFRecord data in '{fileName}' at byte offset {offset}: {reason}", inner)
    {
        FileName = fileName;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The file (or stream name) being read.</summary>
    public string FileName { get; }

    /// <summary>Byte offset of the start of the bad record (decompressed offset for GZIP/ZLIB files).</summary>
    public long Offset { get; }

    /// <summary>What is wrong, without the file name and offset.</summary>
    public string Reason { get; }
}
