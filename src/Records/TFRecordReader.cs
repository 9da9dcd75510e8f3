using System.Buffers.Binary;
using Pipeline.Records.Framing;

namespace Pipeline.Records;

/// <summary>
/// Streams the records of one TFRecord file (<c>tf.compat.v1.io.tf_record_iterator</c>) with bounded memory,
/// verifying both CRCs of every record. <see cref="TFRecordDataset"/> is built on it.
/// </summary>
/// <remarks>
/// <para>Corruption (a CRC mismatch, a truncated record, a length beyond the end of the file or too large to be real)
/// raises <see cref="DataLossException"/> naming the file and the byte offset of the record. The claimed length is never
/// allocated up front: a record's buffer only grows as its bytes actually arrive.</para>
/// <para>With <c>skipCorrupt: true</c> a record whose data CRC fails is skipped, a damaged header is skipped by scanning
/// forward to the next valid header, and a truncated tail is dropped; <see cref="SkippedRecords"/> and
/// <see cref="SkippedBytes"/> count what was dropped.</para>
/// </remarks>
public sealed class TFRecordReader : IDisposable
{
    /// <summary>Default read buffer, in bytes.</summary>
    public const int DefaultBufferSize = 1 << 20;

    /// <summary>Largest record data this reader accepts (the largest .NET array); TensorFlow's own limit is lower in practice.</summary>
    public static readonly long MaxRecordLength = Array.MaxLength - RecordFormat.HeaderSize - RecordFormat.FooterSize;

    private readonly Stream _input;
    private readonly Stream _file;
    private readonly bool _leaveOpen;
    private readonly bool _skipCorrupt;
    private readonly long _start; // stream position where reading began
    private long _knownLength; // decompressed size when known (uncompressed seekable input), else -1
    private byte[] _buf;
    private int _pos, _end;
    private long _bufOffset; // stream offset of _buf[0]
    private bool _eof;

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <param name="path">The TFRecord file.</param>
    /// <param name="compression">None, GZIP or ZLIB: must match how the file was written.</param>
    /// <param name="bufferSize">Bytes in the read buffer (it grows for records larger than this).</param>
    /// <param name="skipCorrupt">Skip and count corrupt data instead of throwing.</param>
    public TFRecordReader(string path, TFRecordCompression compression = TFRecordCompression.None, int bufferSize = DefaultBufferSize, bool skipCorrupt = false)
        : this(OpenFile(path, compression), compression, bufferSize, skipCorrupt, path, leaveOpen: false)
    {
    }

    /// <summary>Reads records from a caller's stream.</summary>
    /// <param name="stream">The (possibly compressed) TFRecord bytes.</param>
    /// <param name="compression">None, GZIP or ZLIB.</param>
    /// <param name="bufferSize">Bytes in the read buffer.</param>
    /// <param name="skipCorrupt">Skip and count corrupt data instead of throwing.</param>
    /// <param name="name">Name used in error messages.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open when the reader is disposed.</param>
    public TFRecordReader(Stream stream, TFRecordCompression compression = TFRecordCompression.None, int bufferSize = DefaultBufferSize,
        bool skipCorrupt = false, string name = "<stream>", bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 64, nameof(bufferSize));
        _file = stream;
        _leaveOpen = leaveOpen;
        _skipCorrupt = skipCorrupt;
        Name = name;
        _input = RecordFormat.Decompress(stream, compression, leaveOpen: true);
        _start = stream.CanSeek ? stream.Position : 0;
        _knownLength = compression == TFRecordCompression.None && stream.CanSeek ? stream.Length - _start : -1;
        _buf = GC.AllocateUninitializedArray<byte>(bufferSize);
    }

    /// <summary>The file name (or stream name) used in error messages.</summary>
    public string Name { get; }

    /// <summary>Byte offset (decompressed) where the next record starts.</summary>
    public long Offset => _bufOffset + _pos;

    /// <summary>Records dropped as corrupt (only with <c>skipCorrupt</c>); a damaged region skipped by resynchronising counts as one.</summary>
    public long SkippedRecords { get; private set; }

    /// <summary>Bytes dropped as corrupt (only with <c>skipCorrupt</c>).</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>
    /// Reads the next record. The returned memory is only valid until the next call or <see cref="Dispose"/>;
    /// copy it (<c>record.ToArray()</c>) to keep it.
    /// </summary>
    /// <param name="record">The record's data.</param>
    /// <returns>False at the end of the file.</returns>
    public bool TryReadNext(out ReadOnlyMemory<byte> record)
    {
        while (true)
        {
            record = default;
            long start = Offset;
            int have = Fill(RecordFormat.HeaderSize);
            if (have == 0) return false;
            if (have < RecordFormat.HeaderSize)
            {
                if (SkipTail($"truncated record header: expected {RecordFormat.HeaderSize} bytes, only {have} remain")) return false;
            }

            var header = _buf.AsSpan(_pos, RecordFormat.HeaderSize);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            uint storedLengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            uint lengthCrc = Crc32C.Masked(header[..8]);
            if (storedLengthCrc != lengthCrc)
            {
                string hint = start == 0 && header[0] == 0x1f && header[1] == 0x8b ? " (the file starts like a GZIP stream: pass compression: Gzip)"
                    : start == 0 && header[0] == 0x78 ? " (the file may be ZLIB-compressed: pass compression: Zlib)" : "";
                Corrupt(start, $"length CRC mismatch: stored 0x{storedLengthCrc:x8}, computed 0x{lengthCrc:x8}{hint}");
                Resync();
                continue;
            }
            long remaining = _knownLength >= 0 ? _knownLength - start - RecordFormat.HeaderSize : long.MaxValue;
            if (remaining != long.MaxValue && length <= (ulong)MaxRecordLength && length + RecordFormat.FooterSize > (ulong)remaining)
            {
                // The file may have grown since it was opened (e.g. an event file still being written).
                _knownLength = _file.Length - _start;
                remaining = _knownLength - start - RecordFormat.HeaderSize;
            }
            if (length > (ulong)MaxRecordLength || (remaining != long.MaxValue && length + RecordFormat.FooterSize > (ulong)remaining))
            {
                string why = length > (ulong)MaxRecordLength
                    ? $"record length {length} exceeds the largest supported record ({MaxRecordLength} bytes)"
                    : $"record length {length} runs past the end of the file: only {remaining} bytes follow the header";
                if (_skipCorrupt && length <= (ulong)MaxRecordLength && remaining != long.MaxValue)
                {
                    // The header CRC held, so this really is the last record, cut short.
                    if (SkipTail(why)) return false;
                }
                Corrupt(start, why);
                Resync();
                continue;
            }

            int total = RecordFormat.HeaderSize + (int)length + RecordFormat.FooterSize;
            have = Fill(total);
            if (have < total)
            {
                if (SkipTail($"truncated record: header claims {length} data bytes + 4 CRC bytes, only {have - RecordFormat.HeaderSize} remain")) return false;
            }
            var data = _buf.AsSpan(_pos + RecordFormat.HeaderSize, (int)length);
            uint storedDataCrc = BinaryPrimitives.ReadUInt32LittleEndian(_buf.AsSpan(_pos + RecordFormat.HeaderSize + (int)length, 4));
            uint dataCrc = Crc32C.Masked(data);
            if (storedDataCrc != dataCrc)
            {
                Corrupt(start, $"data CRC mismatch for a {length}-byte record: stored 0x{storedDataCrc:x8}, computed 0x{dataCrc:x8}");
                SkippedRecords++;
                SkippedBytes += total;
                _pos += total;
                continue;
            }
            record = new ReadOnlyMemory<byte>(_buf, _pos + RecordFormat.HeaderSize, (int)length);
            _pos += total;
            LastRecordOffset = start;
            LastDataCrc = dataCrc;
            return true;
        }
    }

    /// <summary>Byte offset of the record <see cref="TryReadNext"/> returned last (decompressed offset for GZIP/ZLIB).</summary>
    internal long LastRecordOffset { get; private set; }

    /// <summary>The verified masked CRC-32C of the record <see cref="TryReadNext"/> returned last.</summary>
    internal uint LastDataCrc { get; private set; }

    /// <summary>Closes the file (or the stream unless it was left open).</summary>
    public void Dispose()
    {
        if (!ReferenceEquals(_input, _file)) _input.Dispose();
        if (!_leaveOpen) _file.Dispose();
    }

    private static FileStream OpenFile(string path, TFRecordCompression compression)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"TFRecord file '{path}' does not exist.", path);
        // Uncompressed files are read straight into our own buffer; compressed ones through a small FileStream buffer.
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read,
            bufferSize: compression == TFRecordCompression.None ? 0 : 1 << 16, FileOptions.SequentialScan);
    }

    /// <summary>Throws unless skipping, in which case the caller drops the bad data.</summary>
    private void Corrupt(long offset, string reason)
    {
        if (!_skipCorrupt) throw new DataLossException(Name, offset, reason);
    }

    /// <summary>Drops everything left (a truncated last record); returns true (end of records) or throws.</summary>
    private bool SkipTail(string reason)
    {
        Corrupt(Offset, reason);
        SkippedRecords++;
        SkippedBytes += _end - _pos;
        _pos = _end;
        while (Fill(1) > 0)
        {
            SkippedBytes += _end - _pos;
            _pos = _end;
        }
        return true;
    }

    /// <summary>After a bad header: scans forward one byte at a time for the next header whose length CRC holds.</summary>
    private void Resync()
    {
        SkippedRecords++;
        _pos++;
        SkippedBytes++;
        while (true)
        {
            int have = Fill(RecordFormat.HeaderSize);
            if (have < RecordFormat.HeaderSize)
            {
                SkippedBytes += have;
                _pos += have;
                return;
            }
            var header = _buf.AsSpan(_pos, RecordFormat.HeaderSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) == Crc32C.Masked(header[..8])) return;
            _pos++;
            SkippedBytes++;
        }
    }

    /// <summary>
    /// Makes up to <paramref name="count"/> bytes available at <c>_pos</c>; returns how many are (less only at end of input).
    /// The buffer grows only when it is full of real data, so a lying length never causes a large allocation.
    /// </summary>
    private int Fill(int count)
    {
        if (_end - _pos >= count) return count;
        if (_buf.Length - _pos < count && _pos > 0)
        {
            Buffer.BlockCopy(_buf, _pos, _buf, 0, _end - _pos);
            _bufOffset += _pos;
            _end -= _pos;
            _pos = 0;
        }
        while (_end - _pos < count && !_eof)
        {
            if (_end == _buf.Length)
            {
                int grown = (int)Math.Min(Math.Max((long)_buf.Length * 2, 1024), Math.Max(count, (long)_buf.Length + 1));
                grown = (int)Math.Min(grown, Array.MaxLength);
                var bigger = GC.AllocateUninitializedArray<byte>(grown);
                Buffer.BlockCopy(_buf, 0, bigger, 0, _end);
                _buf = bigger;
            }
            int n;
            try
            {
                n = _input.Read(_buf, _end, _buf.Length - _end);
            }
            catch (InvalidDataException e)
            {
                // The decompressor found damage; nothing after it can be trusted.
                if (!_skipCorrupt) throw new DataLossException(Name, _bufOffset + _end, e.Message, e);
                _eof = true;
                SkippedRecords++;
                break;
            }
            if (n == 0) _eof = true;
            _end += n;
        }
        return Math.Min(count, _end - _pos);
    }
}
