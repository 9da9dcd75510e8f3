using System.Buffers.Binary;
using System.Numerics;
using TB = Pipeline.Records.TensorBoard;

namespace Pipeline.Models.Tests.Callbacks;

/// <summary>
/// An independent reader of event files for the tests: TFRecord framing checked by hand (uint64 length, masked
/// CRC32C of the length, payload, masked CRC32C of the payload), payloads parsed as Event protos. The same code
/// reads TensorFlow's fixture files and ours, so agreement is symmetric.
/// </summary>
internal static class EventFraming
{
    public static List<TB.Event> ReadAll(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<TB.Event>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            Assert.True(bytes.Length - offset >= 12, $"{path}: truncated header at byte {offset}");
            var header = bytes.AsSpan(offset, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            Assert.Equal(MaskedCrc(header), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8, 4)));
            Assert.True((ulong)(bytes.Length - offset - 16) >= length, $"{path}: record at byte {offset} runs past the end");
            var data = bytes.AsSpan(offset + 12, (int)length);
            Assert.Equal(MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12 + (int)length, 4)));
            events.Add(TB.Event.Parser.ParseFrom(data));
            offset += 16 + (int)length;
        }
        return events;
    }

    static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }
}
