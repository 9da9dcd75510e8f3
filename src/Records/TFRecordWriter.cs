using Google.Protobuf;
using Pipeline.IO;
using Pipeline.Records.Framing;

namespace Pipeline.Records;

/// <summary>
/// Writes TFRecord files that TensorFlow reads (<c>tf.io.TFRecordWriter</c>): each record is framed as
/// uint64 little-endian length, masked CRC-32C of the length, the data, masked CRC-32C of the data.
/// </summary>
/// <remarks>
/// <para>Writing to a path is atomic and follows the library's one rule for files (see
/// <see cref="Pipeline.IO.AtomicFileStream"/>): records go to a temporary file next to the target, and the file
/// appears under its final name, complete, when the writer is closed or disposed, unless a write failed or
/// <see cref="Abort"/> was called. A <c>using</c> block that ends normally never loses records, wherever it runs
/// (inside a <c>catch</c> or <c>finally</c> block too). Like Python's <c>with tf.io.TFRecordWriter(path)</c>, leaving
/// the block with your own exception still closes the file with the records written so far; to get all or nothing,
/// use <see cref="WriteAll(string, IEnumerable{byte[]}, TFRecordCompression, int)"/>, which discards the file when
/// the enumeration throws, or call <see cref="Abort"/> in your <c>catch</c>:</para>
/// <code>
/// TFRecordWriter.WriteAll("images.tfrecord", examples);   // the file appears complete, or not at all
///
/// using (var writer = new TFRecordWriter("images.tfrecord"))
/// {
///     foreach (var example in examples) writer.Write(example);
/// }   // published here
/// </code>
/// <para>When a write fails (a full disk, say), the temporary file is removed and the first error is the one
/// reported: disposing after it throws nothing more, and <see cref="Close"/> throws an <see cref="IOException"/>
/// whose inner exception is that first error.</para>
/// <para>Writing to a caller's stream goes straight to that stream; <see cref="Close"/> and <see cref="Dispose"/> both
/// finish the compressed stream (if any) and flush.</para>
/// <para>One writer is for one thread at a time (like TensorFlow's); write from several threads through a lock or one
/// writer per shard.</para>
/// </remarks>
public sealed class TFRecordWriter : IDisposable
{
    private readonly AtomicFileStream? _file;
    private readonly Stream _target;
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly TFRecordCompression _compression;
    private readonly byte[] _frame = new byte[RecordFormat.HeaderSize];
    private bool _closed;
    private Exception? _firstError;

    /// <summary>Opens a writer that will create (or replace) <paramref name="path"/> when closed.</summary>
    /// <param name="path">The final file name.</param>
    /// <param name="compression">None, GZIP or ZLIB, as <c>tf.io.TFRecordOptions.compression_type</c>.</param>
    /// <param name="compressionLevel">-1 for zlib's default (6), or 0..9.</param>
    public TFRecordWriter(string path, TFRecordCompression compression = TFRecordCompression.None, int compressionLevel = -1)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RecordFormat.ValidateLevel(compressionLevel);
        _file = new AtomicFileStream(path);
        _target = _file;
        _compression = compression;
        try
        {
            _output = RecordFormat.Compress(_file, compression, compressionLevel, leaveOpen: true);
        }
        catch
        {
            _file.Abort();
            throw;
        }
    }

    /// <summary>Opens a writer on a caller's stream (no temporary file, no rename).</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="compression">None, GZIP or ZLIB.</param>
    /// <param name="compressionLevel">-1 for zlib's default (6), or 0..9.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open after closing the writer.</param>
    public TFRecordWriter(Stream stream, TFRecordCompression compression = TFRecordCompression.None, int compressionLevel = -1, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        _target = stream;
        _leaveOpen = leaveOpen;
        _compression = compression;
        _output = RecordFormat.Compress(stream, compression, compressionLevel, leaveOpen: true);
    }

    /// <summary>
    /// Writes a whole TFRecord file in one call: every record of <paramref name="records"/>, then publishes the file.
    /// If the enumeration (or a write) throws, the file is discarded, any previous file is left as it was, and the
    /// exception propagates.
    /// </summary>
    /// <param name="path">The final file name.</param>
    /// <param name="records">The records' bytes.</param>
    /// <param name="compression">None, GZIP or ZLIB.</param>
    /// <param name="compressionLevel">-1 for zlib's default (6), or 0..9.</param>
    /// <returns>The number of records written.</returns>
    public static long WriteAll(string path, IEnumerable<byte[]> records, TFRecordCompression compression = TFRecordCompression.None, int compressionLevel = -1)
    {
        ArgumentNullException.ThrowIfNull(records);
        return WriteAll(path, compression, compressionLevel, writer => { foreach (var r in records) writer.Write(r); });
    }

    /// <summary>
    /// Writes a whole TFRecord file of serialized messages (<see cref="Example"/>s, say) in one call; see
    /// <see cref="WriteAll(string, IEnumerable{byte[]}, TFRecordCompression, int)"/>.
    /// </summary>
    /// <param name="path">The final file name.</param>
    /// <param name="messages">The messages, one per record.</param>
    /// <param name="compression">None, GZIP or ZLIB.</param>
    /// <param name="compressionLevel">-1 for zlib's default (6), or 0..9.</param>
    /// <returns>The number of records written.</returns>
    public static long WriteAll(string path, IEnumerable<IMessage> messages, TFRecordCompression compression = TFRecordCompression.None, int compressionLevel = -1)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return WriteAll(path, compression, compressionLevel, writer => { foreach (var m in messages) writer.Write(m); });
    }

    private static long WriteAll(string path, TFRecordCompression compression, int compressionLevel, Action<TFRecordWriter> produce)
    {
        using var writer = new TFRecordWriter(path, compression, compressionLevel);
        try
        {
            produce(writer);
        }
        catch
        {
            writer.Abort();
            throw;
        }
        writer.Close();
        return writer.RecordsWritten;
    }

    /// <summary>Number of records written so far.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Appends one record holding <paramref name="record"/> as its data.</summary>
    /// <param name="record">The record's bytes, typically a serialized <see cref="Example"/>.</param>
    public void Write(ReadOnlySpan<byte> record)
    {
        EnsureWritable();
        try
        {
            RecordFormat.WriteHeader(_frame, (ulong)record.Length);
            _output.Write(_frame, 0, RecordFormat.HeaderSize);
            _output.Write(record);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(_frame, Crc32C.Masked(record));
            _output.Write(_frame, 0, RecordFormat.FooterSize);
            RecordsWritten++;
        }
        catch (Exception e)
        {
            _firstError ??= e;
            throw;
        }
    }

    /// <summary>Serializes <paramref name="message"/> (an <see cref="Example"/>, a <see cref="SequenceExample"/>, ...) and writes it as one record.</summary>
    /// <param name="message">The protocol buffer message to write.</param>
    public void Write(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int size = message.CalculateSize();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
        try
        {
            message.WriteTo(buffer.AsSpan(0, size));
            Write(buffer.AsSpan(0, size));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Pushes buffered records to the underlying file or stream (a compressed stream is flushed, not finished).</summary>
    public void Flush()
    {
        EnsureWritable();
        try
        {
            _output.Flush();
            _target.Flush();
        }
        catch (Exception e)
        {
            _firstError ??= e;
            throw;
        }
    }

    /// <summary>
    /// Finishes the file: completes compression, flushes to disk and, for a path, renames the temporary file
    /// to the final name (replacing any existing file). After this the writer accepts no more records.
    /// </summary>
    /// <exception cref="IOException">Finishing failed (the file was discarded), or an earlier write had failed
    /// (the file was discarded; the inner exception is that first error).</exception>
    public void Close()
    {
        if (_closed) return;
        if (_firstError is not null)
        {
            Abort();
            throw new IOException($"A write to '{_file?.Path ?? "the stream"}' failed earlier ({_firstError.Message}); " +
                "the file was discarded instead of being closed.", _firstError);
        }
        try
        {
            if (!ReferenceEquals(_output, _target))
            {
                _output.Dispose(); // writes the compressed stream's end
                // .NET writes nothing at all for an empty compressed stream; TensorFlow writes a valid one, and a
                // reader must be able to tell "no records" from "cut short".
                if (RecordsWritten == 0) _target.Write(RecordFormat.EmptyCompressedStream(_compression));
            }
            if (_file is not null)
            {
                _file.Commit();
            }
            else
            {
                _target.Flush();
                if (!_leaveOpen) _target.Dispose();
            }
            _closed = true;
        }
        catch
        {
            Abort();
            throw;
        }
    }

    /// <summary>
    /// Discards the file: for a path, the temporary file is removed and the final name left as it was; for a stream,
    /// the compressed stream is not finished. Never throws; the writer accepts no more records.
    /// </summary>
    public void Abort()
    {
        if (_closed) return;
        _closed = true;
        _file?.Abort(); // first, so that nothing below can write into the file
        if (!ReferenceEquals(_output, _target))
        {
            try
            {
                _output.Dispose(); // releases the native compressor; its final write fails harmlessly on the aborted file
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
            {
            }
        }
        if (_file is null && !_leaveOpen) _target.Dispose();
    }

    /// <summary>
    /// Closes the writer (see <see cref="Close"/>), publishing the file, unless a write failed or <see cref="Abort"/>
    /// was called: then the file was discarded and nothing more is thrown, so the first error stays the one you saw.
    /// </summary>
    public void Dispose()
    {
        if (_closed) return;
        if (_firstError is not null) Abort();
        else Close();
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_firstError is not null)
            throw new IOException($"A write to '{_file?.Path ?? "the stream"}' failed earlier ({_firstError.Message}); the file will be discarded.", _firstError);
    }
}
