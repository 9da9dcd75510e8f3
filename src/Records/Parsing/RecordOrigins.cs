using Pipeline.Records.Framing;

namespace Pipeline.Records;

/// <summary>
/// Where the records a <see cref="TFRecordDataset"/> recently handed out came from (file, record index, byte offset), so
/// that a parse function given only the bytes in a <c>Map</c> can name the bad record in its error.
/// </summary>
/// <remarks>
/// A ring of the last <see cref="Capacity"/> records read by any TFRecordDataset, keyed by content (length and the data
/// CRC-32C the reader has just verified), not by array identity: a table of arrays (ConditionalWeakTable) costs a GC
/// handle per record and was measured 40x slower on small records. Recording is a few field writes per record; the
/// lookup (only when parsing fails) computes the CRC of the bad bytes and scans the ring, newest first. Bytes read more
/// than <see cref="Capacity"/> records ago (e.g. behind a larger Shuffle buffer) or not read from a file get no origin;
/// identical bytes read twice are named by their latest reading.
/// </remarks>
static class RecordOrigins
{
    internal const int Capacity = 1 << 16;

    static readonly Entry[] Ring = new Entry[Capacity];
    static long _next;

    struct Entry
    {
        public long Key;   // length << 32 | masked CRC-32C; 0 while being written
        public string? File;
        public long Index;
        public long Offset;
        public bool Compressed;
    }

    static long KeyOf(int length, uint maskedCrc) => ((long)length << 32) | maskedCrc | (1L << 62);

    /// <summary>Notes that the record just read, of <paramref name="length"/> bytes and verified <paramref name="maskedCrc"/>, is record <paramref name="index"/> of <paramref name="file"/>.</summary>
    internal static void Add(int length, uint maskedCrc, string file, long index, long offset, bool compressed)
    {
        ref var slot = ref Ring[(int)(Interlocked.Increment(ref _next) & (Capacity - 1))];
        Volatile.Write(ref slot.Key, 0);
        slot.File = file;
        slot.Index = index;
        slot.Offset = offset;
        slot.Compressed = compressed;
        Volatile.Write(ref slot.Key, KeyOf(length, maskedCrc));
    }

    /// <summary>Where <paramref name="record"/> was read, as text (<c>'x.tfrecord', record 3 (byte offset 120)</c>), or null when unknown.</summary>
    internal static string? Describe(ReadOnlySpan<byte> record)
    {
        if (Interlocked.Read(ref _next) == 0) return null;
        long key = KeyOf(record.Length, Crc32C.Masked(record));
        long newest = Interlocked.Read(ref _next);
        for (long i = 0; i < Capacity; i++)
        {
            ref var slot = ref Ring[(int)((newest - i) & (Capacity - 1))];
            if (Volatile.Read(ref slot.Key) != key) continue;
            var (file, index, offset, compressed) = (slot.File, slot.Index, slot.Offset, slot.Compressed);
            if (Volatile.Read(ref slot.Key) != key || file is null) continue;   // overwritten while we read it
            return $"'{file}', record {index} (byte offset {offset}{(compressed ? " of the decompressed data" : "")})";
        }
        return null;
    }

    /// <summary>
    /// <paramref name="error"/> with the record's origin in front of its message (<c>In 'x.tfrecord', record 3 (byte offset
    /// 120): Key: label, ...</c>), or the error itself when the origin is unknown.
    /// </summary>
    internal static InvalidDataException WithOrigin(ReadOnlySpan<byte> record, InvalidDataException error) =>
        Describe(record) is { } where ? new InvalidDataException($"In {where}: {error.Message}", error) : error;
}
