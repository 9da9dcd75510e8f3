using Google.Protobuf;
using Pipeline.Records.Framing;

namespace Pipeline.Records;

/// <summary>
/// Writes TFRecord files that TensorFlow reads (<c>tf.io.TFRecordWriter</c>): each record is framed as
/// uint64 little-endian length, masked CRC-32C of the length, the data, masked CRC-32C of the data.
/// </summary>
/// <remarks>
/// <para>Writing to a path is atomic: records go to a temporary file next to the target, and only a successful
/// close flushes it to disk and renames it to the final name. Leaving a <c>using</c> block normally closes the
/// writer, as Python's <c>with tf.io.TFRecordWriter(path) as writer:</c> does; leaving it because an exception is
/// propagating, or after a failed write, deletes the temporary file instead, so a failure midway never leaves a
/// partial file under the final name (and never replaces a previous good file):</para>
/// <code>
/// using (var writer = new TFRecordWriter("images.tfrecord"))
/// {
///     foreach (var example in examples) writer.Write(example);
/// }   // the file appears here, complete, or not at all
/// </code>
/// <para><see cref="Close"/> does the same explicitly and reports failures to publish as exceptions.</para>
/// <para>Writing to a caller's stream goes straight to that stream; <see cref="Close"/> and <see cref="Dispose"/> both
/// finish the compressed stream (if any) and flush.</para>
/// <para>One writer is for one thread at a time (like TensorFlow's); write from several threads through a lock or one
/// writer per shard.</para>
/// </remarks>
public sealed class TFRecordWriter : IDisposable
{
    private readonly string? _path;
    private readonly string? _tempPath;
    private readonly FileStream? _file;
    private readonly Stream _target;
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte[] _frame = new byte[RecordFormat.HeaderSize];
    private bool _closed;
    private bool _faulted;

    /// <summary>Opens a writer that will create (or replace) <paramref name="path"/> when closed.</summary>
    /// <param name="path">The final file name.</param>
    /// <param name="compression">None, GZIP or ZLIB, as <c>tf.io.TFRecordOptions.compression_type</c>.</param>
    /// <param name="compressionLevel">-1 for zlib's default (6), or 0..9.</param>
    public TFRecordWriter(string path, TFRecordCompression compression = TFRecordCompression.None, int compressionLevel = -1)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(_path)!;
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"Cannot write TFRecord file '{path}': directory '{dir}' does not exist.");
        _tempPath = Path.Combine(dir, $".{Path.GetFileName(_path)}.{Guid.NewGuid():N}.tmp");
        _file = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        _target = _file;
        try
        {
            _output = RecordFormat.Compress(_file, compression, compressionLevel, leaveOpen: true);
        }
        catch
        {
            _file.Dispose();
            File.Delete(_tempPath);
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
        _output = RecordFormat.Compress(stream, compression, compressionLevel, leaveOpen: true);
    }

    /// <summary>Number of records written so far.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Appends one record holding <paramref name="record"/> as its data.</summary>
    /// <param name="record">The record's bytes, typically a serialized <see cref="Example"/>.</param>
    public void Write(ReadOnlySpan<byte> record)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        try
        {
            RecordFormat.WriteHeader(_frame, (ulong)record.Length);
            _output.Write(_frame, 0, RecordFormat.HeaderSize);
            _output.Write(record);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(_frame, Crc32C.Masked(record));
            _output.Write(_frame, 0, RecordFormat.FooterSize);
            RecordsWritten++;
        }
        catch
        {
            _faulted = true;
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
        ObjectDisposedException.ThrowIf(_closed, this);
        _output.Flush();
        _target.Flush();
    }

    /// <summary>
    /// Finishes the file: completes compression, flushes to disk and, for a path, renames the temporary file
    /// to the final name (replacing any existing file). After this the writer accepts no more records.
    /// </summary>
    public void Close()
    {
        if (_closed) return;
        if (_faulted)
        {
            Abort();
            throw new InvalidOperationException($"A write to '{_path ?? "the stream"}' failed earlier; the file was discarded instead of being closed.");
        }
        try
        {
            if (!ReferenceEquals(_output, _target)) _output.Dispose();
            if (_file is not null)
            {
                _file.Flush(flushToDisk: true);
                _file.Dispose();
                File.Move(_tempPath!, _path!, overwrite: true);
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
    /// Closes the writer (see <see cref="Close"/>) unless an exception is propagating through the caller's
    /// <c>using</c> block or an earlier write failed: then, for a path, the temporary file is discarded and the final
    /// name is left untouched.
    /// </summary>
    public void Dispose()
    {
        if (_closed) return;
        // Non-zero only while an exception unwinds the stack, i.e. when Dispose runs from a finally block
        // on the way out of a failed using block.
        bool unwinding = System.Runtime.InteropServices.Marshal.GetExceptionPointers() != IntPtr.Zero;
        if (!_faulted && !unwinding)
        {
            Close();
            return;
        }
        Abort();
    }

    private void Abort()
    {
        _closed = true;
        try
        {
            if (!ReferenceEquals(_output, _target)) _output.Dispose();
        }
        catch (IOException) { }
        catch (InvalidDataException) { }
        if (_file is not null)
        {
            _file.Dispose();
            try { File.Delete(_tempPath!); } catch (IOException) { }
        }
        else if (!_leaveOpen)
        {
            _target.Dispose();
        }
    }
}
