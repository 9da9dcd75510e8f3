using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pipeline.Records.Framing;

/// <summary>
/// CRC-32C (Castagnoli) as TFRecord uses it, on the CPU's CRC instruction.
/// Long inputs run three independent chains side by side (the instruction has a latency of ~3 cycles but a
/// throughput of one per cycle) and splice them with a precomputed "append n zero bytes" operator.
/// </summary>
internal static class Crc32C
{
    /// <summary>Bytes per chain in the long interleaved stride.</summary>
    private const int LongBlock = 8192;
    /// <summary>Bytes per chain in the short interleaved stride.</summary>
    private const int ShortBlock = 256;

    private static readonly uint[] LongShift = BuildShiftTable(LongBlock);
    private static readonly uint[] ShortShift = BuildShiftTable(ShortBlock);

    /// <summary>The standard CRC-32C of <paramref name="data"/> (initial and final inversion applied).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(~0u, data);

    /// <summary>Continues a CRC: <c>Append(Compute(a), b) == Compute(a ++ b)</c>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) => ~Update(~crc, data);

    /// <summary>TFRecord's masked CRC: rotate right by 15 and add a constant, so CRCs of CRCs are not trivially weak.</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8u;

    /// <summary>The masked CRC-32C of <paramref name="data"/>, as stored in TFRecord framing.</summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    /// <summary>Single-chain CRC, the reference the interleaved version is tested against.</summary>
    internal static uint ComputeSimple(ReadOnlySpan<byte> data) => ~UpdateSimple(~0u, data);

    /// <summary>Updates the raw CRC register (no inversions).</summary>
    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        nint n = data.Length;
        nint i = 0;

        // The long stride first, then the short one for the remainder; UpdateSimple finishes the tail.
        crc = UpdateInterleaved(crc, ref p, n, ref i, LongBlock, LongShift);
        crc = UpdateInterleaved(crc, ref p, n, ref i, ShortBlock, ShortShift);
        return UpdateSimple(crc, data[(int)i..]);
    }

    /// <summary>
    /// Consumes as many runs of <c>3 * block</c> bytes from <paramref name="i"/> on as fit, each as three independent
    /// chains spliced with <paramref name="shift"/> ("append <paramref name="block"/> zero bytes").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint UpdateInterleaved(uint crc, ref byte p, nint n, ref nint i, int block, uint[] shift)
    {
        while (n - i >= 3 * block)
        {
            uint c0 = crc, c1 = 0, c2 = 0;
            ref byte b0 = ref Unsafe.Add(ref p, i);
            for (nint k = 0; k < block; k += 8)
            {
                c0 = BitOperations.Crc32C(c0, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b0, k)));
                c1 = BitOperations.Crc32C(c1, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b0, k + block)));
                c2 = BitOperations.Crc32C(c2, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b0, k + 2 * block)));
            }
            crc = Shift(shift, Shift(shift, c0) ^ c1) ^ c2;
            i += 3 * block;
        }
        return crc;
    }

    private static uint UpdateSimple(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        nint n = data.Length, i = 0;
        for (; n - i >= 8; i += 8)
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
        for (; i < n; i++)
            crc = BitOperations.Crc32C(crc, Unsafe.Add(ref p, i));
        return crc;
    }

    /// <summary>Applies "feed n zero bytes" to a raw register through a 4 x 256 lookup table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(uint[] table, uint crc) =>
        table[crc & 0xff] ^ table[256 + ((crc >> 8) & 0xff)] ^ table[512 + ((crc >> 16) & 0xff)] ^ table[768 + (crc >> 24)];

    private static uint[] BuildShiftTable(int zeroBytes)
    {
        // The operator is linear over GF(2): compute it on the 32 unit vectors, then tabulate by byte.
        Span<uint> basis = stackalloc uint[32];
        for (int bit = 0; bit < 32; bit++)
        {
            uint c = 1u << bit;
            for (int k = 0; k < zeroBytes; k += 8) c = BitOperations.Crc32C(c, 0UL);
            basis[bit] = c;
        }
        var table = new uint[4 * 256];
        for (int b = 0; b < 4; b++)
            for (int v = 0; v < 256; v++)
            {
                uint r = 0;
                for (int j = 0; j < 8; j++)
                    if ((v & (1 << j)) != 0) r ^= basis[b * 8 + j];
                table[b * 256 + v] = r;
            }
        return table;
    }
}
