using System.Text;
using Pipeline.Records.Framing;

namespace Records.Tests.Framing;

public class Crc32CTests
{
    [Fact]
    public void Crc32C_of_the_standard_check_string_is_e3069283()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Crc32C_of_32_zero_bytes_matches_rfc3720()
    {
        // RFC 3720 B.4 test vectors.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(767)]
    [InlineData(768)]
    [InlineData(3 * 8192 - 1)]
    [InlineData(3 * 8192)]
    [InlineData(3 * 8192 * 4 + 3 * 256 * 5 + 13)]
    [InlineData(1_000_003)]
    public void Interleaved_chains_give_the_same_crc_as_a_single_chain(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        Assert.Equal(Crc32C.ComputeSimple(data), Crc32C.Compute(data));
        // Unaligned start as well.
        if (length > 3) Assert.Equal(Crc32C.ComputeSimple(data.AsSpan(3)), Crc32C.Compute(data.AsSpan(3)));
    }

    [Fact]
    public void Append_continues_a_crc_across_pieces()
    {
        var data = new byte[100_000];
        new Random(1).NextBytes(data);
        uint whole = Crc32C.Compute(data);
        uint pieces = Crc32C.Append(Crc32C.Compute(data.AsSpan(0, 30_001)), data.AsSpan(30_001));
        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void Mask_is_tensorflows_rotate_and_add()
    {
        uint crc = 0x12345678;
        Assert.Equal(unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u), Crc32C.Mask(crc));
    }
}
