using System.Buffers;

namespace Pipeline.Records;

/// <summary>
/// One record of <see cref="TFRecordDataset.Pooled"/>, in an array rented from <see cref="ArrayPool{T}.Shared"/>: reading
/// allocates no new array per record (records over 85 KB would each be a large-object-heap array, which costs .NET
/// gen-2 collections). The receiver owns it, as every element: a <c>Map</c> that parses it returns the array to the
/// pool when the function returns (the pipeline disposes what a step consumes); code of your own disposes it.
/// </summary>
/// <remarks>Do not keep <see cref="Memory"/> or <see cref="Span"/> past <see cref="Dispose"/>: the array goes to the next record.</remarks>
public sealed class RecordBuffer : IDisposable
{
    private byte[]? _array;

    internal RecordBuffer(ReadOnlySpan<byte> record, string fileName, long index, long offset)
    {
        _array = ArrayPool<byte>.Shared.Rent(record.Length);
        record.CopyTo(_array);
        Length = record.Length;
        FileName = fileName;
        Index = index;
        Offset = offset;
    }

    /// <summary>The record's bytes.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was returned to the pool.</exception>
    public ReadOnlyMemory<byte> Memory => new(Array, 0, Length);

    /// <summary>The record's bytes.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was returned to the pool.</exception>
    public ReadOnlySpan<byte> Span => new(Array, 0, Length);

    /// <summary>Bytes in the record.</summary>
    public int Length { get; }

    /// <summary>The file the record was read from.</summary>
    public string FileName { get; }

    /// <summary>The record's index in its file (0 for the first).</summary>
    public long Index { get; }

    /// <summary>Byte offset of the record in its file (in the decompressed data for GZIP and ZLIB files).</summary>
    public long Offset { get; }

    /// <summary>A copy of the record that stays valid after <see cref="Dispose"/>.</summary>
    public byte[] ToArray() => Span.ToArray();

    internal ArraySegment<byte> Segment => new(Array, 0, Length);

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(RecordBuffer), $"Record {Index} of '{FileName}' was disposed (its buffer went back to the pool).");

    /// <summary>Returns the buffer to the pool; idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array) ArrayPool<byte>.Shared.Return(array);
    }

    /// <inheritdoc/>
    public override string ToString() => $"RecordBuffer('{FileName}', record {Index}, {Length} bytes)";
}
