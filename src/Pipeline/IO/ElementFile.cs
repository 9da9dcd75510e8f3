using System.IO.Hashing;
using System.Text;

namespace Pipeline.IO;

/// <summary>
/// The file format of <c>Cache(filename)</c> files and of <c>Snapshot(path)</c> chunks: a header (magic, element type),
/// then per element a frame <c>[1][int32 length][uint32 CRC-32 of the payload][payload: ElementCodec bytes]</c>, then
/// <c>[0][int64 element count]</c>. Files are written with <see cref="AtomicFileStream"/>, so a file under its final
/// name is complete; the CRCs and the count catch what happens to it afterwards (a bad disk, a copy cut short), and
/// the reader names the file and the byte offset of the bad frame.
/// </summary>
static class ElementFile
{
    internal const string Magic = "PIPELINE-CACHE-2";

    /// <summary>Writes one element file; <see cref="Complete"/> publishes it, disposing without completing discards it.</summary>
    internal sealed class Writer<T> : IDisposable
    {
        readonly AtomicFileStream _file;
        readonly BinaryWriter _writer;
        readonly MemoryStream _payload = new();
        readonly BinaryWriter _payloadWriter;
        bool _done;

        internal Writer(string path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _file = new AtomicFileStream(path);
            _writer = new BinaryWriter(_file, Encoding.UTF8, leaveOpen: true);
            _payloadWriter = new BinaryWriter(_payload, Encoding.UTF8, leaveOpen: true);
            _writer.Write(Magic);
            _writer.Write(typeof(T).ToString());
            Bytes = _file.Position;
        }

        /// <summary>Elements written so far.</summary>
        internal long Count { get; private set; }

        /// <summary>Bytes written so far.</summary>
        internal long Bytes { get; private set; }

        internal void Write(T element)
        {
            _payload.SetLength(0);
            ElementCodec.Write(_payloadWriter, element!);
            _payloadWriter.Flush();
            if (_payload.Length > int.MaxValue) throw new NotSupportedException($"An element of {_payload.Length} bytes is too large for a cache or snapshot file (at most {int.MaxValue}).");
            var payload = _payload.GetBuffer().AsSpan(0, (int)_payload.Length);
            _writer.Write((byte)1);
            _writer.Write(payload.Length);
            _writer.Write(Crc32.HashToUInt32(payload));
            _writer.Write(payload);
            Count++;
            Bytes += 9 + payload.Length;
        }

        /// <summary>Ends the file and publishes it under its final name.</summary>
        internal void Complete()
        {
            _writer.Write((byte)0);
            _writer.Write(Count);
            _writer.Flush();
            _file.Commit();
            _done = true;
        }

        public void Dispose()
        {
            if (!_done) _file.Abort();
            _file.Dispose();
        }
    }

    /// <summary>
    /// The elements of the file at <paramref name="path"/>, checked frame by frame; a damaged file raises
    /// <see cref="InvalidDataException"/> naming <paramref name="what"/>, the file and the byte offset, then <paramref name="remedy"/>.
    /// </summary>
    internal static IEnumerable<T> Read<T>(string path, string what, string remedy, CancellationToken cancellation)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        InvalidDataException Corrupt(long offset, string reason, Exception? inner = null) =>
            new($"{what}: '{path}' is corrupt at byte offset {offset}: {reason}. {remedy}", inner);
        string magic, type;
        try
        {
            magic = reader.ReadString();
            type = reader.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new InvalidDataException($"{what}: '{path}' is not a Pipeline cache or snapshot file (its header does not read). {remedy}", e);
        }
        if (magic != Magic)
            throw new InvalidDataException($"{what}: '{path}' is not a Pipeline cache or snapshot file of this version (expected header '{Magic}', found '{magic}'). {remedy}");
        if (type != typeof(T).ToString())
            throw new InvalidDataException($"{what}: '{path}' holds elements of type {type}, but this dataset yields {typeof(T)}. {remedy}");
        var buffer = Array.Empty<byte>();
        long index = 0;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            long offset = stream.Position, remaining = stream.Length - offset;
            var marker = stream.ReadByte();
            if (marker == 0)
            {
                if (remaining < 9) throw Corrupt(offset, $"the end marker after element {index - 1} is cut short (the file is truncated)");
                var count = reader.ReadInt64();
                if (count != index) throw Corrupt(offset, $"the file says it holds {count} elements, but {index} were read");
                if (stream.Position != stream.Length) throw Corrupt(stream.Position, $"{stream.Length - stream.Position} bytes follow the end of the file's elements");
                yield break;
            }
            if (marker < 0) throw Corrupt(offset, $"the file ends after element {index - 1} without its end marker (the file is truncated)");
            if (marker != 1) throw Corrupt(offset, $"expected element {index} (byte 0x01) or the end (0x00), found byte 0x{marker:x2}");
            if (remaining < 9) throw Corrupt(offset, $"the header of element {index} is cut short (the file is truncated)");
            var length = reader.ReadInt32();
            var storedCrc = reader.ReadUInt32();
            if (length < 0 || length > remaining - 9)
                throw Corrupt(offset, $"element {index} claims {length} bytes, but {remaining - 9} bytes remain in the file");
            if (buffer.Length < length) buffer = new byte[Math.Max(length, Math.Min(2 * (long)buffer.Length, Array.MaxLength))];
            stream.ReadExactly(buffer, 0, length);
            var payload = buffer.AsSpan(0, length);
            var crc = Crc32.HashToUInt32(payload);
            if (crc != storedCrc)
                throw Corrupt(offset, $"the CRC-32 of element {index} ({length} bytes) is 0x{crc:x8}, but 0x{storedCrc:x8} was stored");
            T element;
            using (var elementStream = new MemoryStream(buffer, 0, length, writable: false))
            using (var elementReader = new BinaryReader(elementStream, Encoding.UTF8))
            {
                try
                {
                    element = (T)ElementCodec.Read(elementReader, typeof(T));
                }
                catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException or InvalidCastException or System.Runtime.InteropServices.ExternalException)
                {
                    throw Corrupt(offset, $"element {index} does not decode as {typeof(T)}: {e.Message}", e);
                }
                if (elementStream.Position != length)
                {
                    Elements.Dispose(element);
                    throw Corrupt(offset, $"element {index} decodes from {elementStream.Position} of its {length} bytes");
                }
            }
            index++;
            yield return Elements.Detach(element);
        }
    }
}
