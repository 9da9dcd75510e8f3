using System.Buffers.Binary;

namespace Fuzz.Tests.Harness;

/// <summary>
/// Derives a new input from a seed input with a few random edits, the classic mutation operators of AFL and libFuzzer:
/// bit flips, byte and word overwrites with boundary values, inserted, deleted and repeated runs, truncation, and
/// splices with another seed. Deterministic for a given <see cref="Random"/>.
/// </summary>
public static class Mutator
{
    static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x1f, 0x8b, 0x78, 0x0a, 0x12];
    static readonly long[] InterestingWords = [0, 1, -1, 127, 128, 255, 256, 0x7fff, 0x8000, 0xffff, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, 1L << 32, 1L << 40];

    /// <summary>One mutant of <paramref name="input"/>: 1 to 4 edits (sometimes more), never longer than <paramref name="maxLength"/>.</summary>
    public static byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus, Random rng, int maxLength = 1 << 20)
    {
        var data = new List<byte>(input);
        int edits = rng.Next(8) == 0 ? 1 + rng.Next(16) : 1 + rng.Next(4);
        for (int e = 0; e < edits; e++) Edit(data, corpus, rng);
        if (data.Count > maxLength) data.RemoveRange(maxLength, data.Count - maxLength);
        return [.. data];
    }

    static void Edit(List<byte> data, IReadOnlyList<byte[]> corpus, Random rng)
    {
        int n = data.Count;
        switch (n == 0 ? 5 : rng.Next(11))
        {
            case 0: // flip one bit
                data[rng.Next(n)] ^= (byte)(1 << rng.Next(8));
                break;
            case 1: // random byte
                data[rng.Next(n)] = (byte)rng.Next(256);
                break;
            case 2: // boundary byte
                data[rng.Next(n)] = InterestingBytes[rng.Next(InterestingBytes.Length)];
                break;
            case 3: // boundary word (1, 2, 4 or 8 bytes, little-endian, as lengths and varints are)
            {
                int width = 1 << rng.Next(4);
                if (n < width) goto case 1;
                Span<byte> word = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(word, InterestingWords[rng.Next(InterestingWords.Length)] + rng.Next(-1, 2));
                int at = rng.Next(n - width + 1);
                for (int i = 0; i < width; i++) data[at + i] = word[i];
                break;
            }
            case 4: // delete a run
            {
                int at = rng.Next(n);
                data.RemoveRange(at, Math.Min(n - at, 1 + rng.Next(Math.Min(n, 64))));
                break;
            }
            case 5: // insert random bytes
            {
                int at = rng.Next(n + 1);
                var bytes = new byte[1 + rng.Next(16)];
                rng.NextBytes(bytes);
                data.InsertRange(at, bytes);
                break;
            }
            case 6: // repeat a run of the input
            {
                int from = rng.Next(n);
                int length = Math.Min(n - from, 1 + rng.Next(64));
                data.InsertRange(rng.Next(n + 1), data.GetRange(from, length));
                break;
            }
            case 7: // truncate
            {
                int keep = rng.Next(n);
                data.RemoveRange(keep, n - keep);
                break;
            }
            case 8: // splice: our head, another seed's tail
            {
                var other = corpus[rng.Next(corpus.Count)];
                if (other.Length == 0) goto case 0;
                int cut = rng.Next(n);
                data.RemoveRange(cut, n - cut);
                data.AddRange(other.AsSpan(rng.Next(other.Length)).ToArray());
                break;
            }
            case 9: // copy a run over another place
            {
                int from = rng.Next(n), to = rng.Next(n);
                int length = Math.Min(Math.Min(n - from, n - to), 1 + rng.Next(32));
                var run = data.GetRange(from, length);
                for (int i = 0; i < length; i++) data[to + i] = run[i];
                break;
            }
            default: // several random bytes in a row
            {
                int at = rng.Next(n);
                int length = Math.Min(n - at, 1 + rng.Next(8));
                for (int i = 0; i < length; i++) data[at + i] = (byte)rng.Next(256);
                break;
            }
        }
    }
}
