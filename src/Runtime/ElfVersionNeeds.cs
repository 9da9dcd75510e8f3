using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Runtime;

/// <summary>One entry of an ELF file's <c>.gnu.version_r</c> section: a symbol version that a library needs.</summary>
/// <param name="File">The library the version is needed from, e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Name">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">The entry's flags; <see cref="ElfVersionNeeds.WeakFlag"/> makes a missing version non-fatal.</param>
/// <param name="FlagsOffset">Byte offset of the two flag bytes in the file.</param>
internal readonly record struct ElfVersionNeed(string File, string Name, ushort Flags, long FlagsOffset)
{
    public bool IsWeak => (Flags & ElfVersionNeeds.WeakFlag) != 0;
}

/// <summary>
/// Reads and edits the version-needs table of a 64-bit little-endian ELF shared library.
/// </summary>
/// <remarks>
/// The dynamic loader refuses a library whose needed version is missing from the providing
/// library, unless the entry carries VER_FLG_WEAK, in which case it only warns under
/// LD_DEBUG. Flipping that one bit is the smallest possible edit: no size, offset or symbol
/// changes, so the rest of the file stays byte-identical.
/// </remarks>
internal static class ElfVersionNeeds
{
    /// <summary>VER_FLG_WEAK from elf.h.</summary>
    public const ushort WeakFlag = 0x2;

    const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Lists every needed version in <paramref name="elf"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a 64-bit little-endian ELF file, or its tables are out of bounds.</exception>
    public static IReadOnlyList<ElfVersionNeed> Read(ReadOnlySpan<byte> elf, string fileName)
    {
        var result = new List<ElfVersionNeed>();
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"'{fileName}' is not an ELF file.");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"'{fileName}' is not a 64-bit little-endian ELF file (class {elf[4]}, data {elf[5]}).");

        long shoff = (long)U64(elf, 0x28, fileName);
        int shentsize = U16(elf, 0x3a, fileName);
        int shnum = U16(elf, 0x3c, fileName);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (U32(elf, sh + 4, fileName) != ShtGnuVerneed) continue;

            long offset = (long)U64(elf, sh + 0x18, fileName);
            int link = (int)U32(elf, sh + 0x28, fileName);
            long strtab = (long)U64(elf, shoff + (long)link * shentsize + 0x18, fileName);

            long need = offset;
            while (true)
            {
                int count = U16(elf, need + 2, fileName);
                string file = CString(elf, strtab + U32(elf, need + 4, fileName), fileName);
                long aux = need + U32(elf, need + 8, fileName);
                for (int a = 0; a < count; a++)
                {
                    ushort flags = U16(elf, aux + 4, fileName);
                    string name = CString(elf, strtab + U32(elf, aux + 8, fileName), fileName);
                    result.Add(new ElfVersionNeed(file, name, flags, aux + 4));
                    uint nextAux = U32(elf, aux + 12, fileName);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(elf, need + 12, fileName);
                if (next == 0) break;
                need += next;
            }
        }
        return result;
    }

    /// <summary>
    /// Sets VER_FLG_WEAK on every needed version called <paramref name="versionName"/>.
    /// Returns how many entries changed (0 when none was found or all were already weak).
    /// </summary>
    public static int MarkWeak(Span<byte> elf, string versionName, string fileName)
    {
        int changed = 0;
        foreach (var need in Read(elf, fileName))
        {
            if (need.Name != versionName || need.IsWeak) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(elf.Slice((int)need.FlagsOffset, 2), (ushort)(need.Flags | WeakFlag));
            changed++;
        }
        return changed;
    }

    static ushort U16(ReadOnlySpan<byte> b, long at, string file) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(b, at, 2, file));
    static uint U32(ReadOnlySpan<byte> b, long at, string file) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(b, at, 4, file));
    static ulong U64(ReadOnlySpan<byte> b, long at, string file) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(b, at, 8, file));

    static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> b, long at, int length, string file)
    {
        if (at < 0 || at + length > b.Length)
            throw new InvalidDataException($"'{file}': ELF table entry at byte {at} lies outside the file ({b.Length} bytes).");
        return b.Slice((int)at, length);
    }

    static string CString(ReadOnlySpan<byte> b, long at, string file)
    {
        var rest = Slice(b, at, 1, file).Length == 1 ? b[(int)at..] : default;
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw new InvalidDataException($"'{file}': unterminated string at byte {at}.");
        return Encoding.ASCII.GetString(rest[..end]);
    }
}
