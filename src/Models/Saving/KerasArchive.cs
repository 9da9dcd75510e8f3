using System.IO.Compression;
using System.Text;

namespace Pipeline.Models.Saving;

/// <summary>
/// The <c>.keras</c> zip of Keras 3: <c>metadata.json</c>, <c>config.json</c> and <c>model.weights.h5</c>, all stored
/// uncompressed as Keras writes them.
/// </summary>
internal sealed class KerasArchive : IDisposable
{
    // A member declaring more than this many bytes while expanding more than 100x its stored size is a zip bomb
    // (Keras stores members uncompressed), as Keras itself rules.
    const long BombFloorBytes = 1L << 32;
    const int BombMaxExpansion = 100;

    KerasArchive(string fileName, string config, string? metadata, H5Reader? weights)
    {
        FileName = fileName;
        Config = config;
        Metadata = metadata;
        Weights = weights;
    }

    /// <summary>The file name used in messages.</summary>
    public string FileName { get; }

    /// <summary>The text of config.json.</summary>
    public string Config { get; }

    /// <summary>The text of metadata.json, or null when the archive has none.</summary>
    public string? Metadata { get; }

    /// <summary>model.weights.h5, or null when the archive has none.</summary>
    public H5Reader? Weights { get; }

    /// <summary>Opens <paramref name="path"/>: a file that is not a Keras zip fails with a message naming it.</summary>
    public static KerasArchive Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No such file: '{path}'.", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var configEntry = zip.GetEntry(KerasFormat.ConfigFileName)
                ?? throw new KerasFileException(path, $"the zip has no {KerasFormat.ConfigFileName}, so it is not a Keras 3 .keras file (members: {string.Join(", ", zip.Entries.Take(10).Select(e => e.FullName))}).");
            var config = Encoding.UTF8.GetString(ReadMember(path, configEntry).ToArray());
            var metadataEntry = zip.GetEntry(KerasFormat.MetadataFileName);
            var metadata = metadataEntry is null ? null : Encoding.UTF8.GetString(ReadMember(path, metadataEntry).ToArray());
            var weightsEntry = zip.GetEntry(KerasFormat.WeightsFileName);
            var weights = weightsEntry is null ? null : H5Reader.Open(ReadMember(path, weightsEntry), $"{path}!{KerasFormat.WeightsFileName}");
            return new KerasArchive(path, config, metadata, weights);
        }
        catch (InvalidDataException e)
        {
            throw new KerasFileException(path, $"not a readable zip archive ({e.Message}). It may be truncated, corrupt, or not a .keras file.", e);
        }
    }

    static MemoryStream ReadMember(string path, ZipArchiveEntry entry)
    {
        if (entry.Length > BombFloorBytes && entry.Length > BombMaxExpansion * Math.Max(1, entry.CompressedLength))
            throw new KerasFileException(path, $"zip member '{entry.FullName}' declares {entry.Length} bytes from {entry.CompressedLength} stored bytes; refusing a likely zip bomb.");
        // Read into an array of the declared size that is not zeroed first (the read fills it), the stream then reads
        // from it without copying: one pass over the member's bytes instead of a zeroing, a copy and a growth.
        if (entry.Length > Array.MaxLength)
            throw new KerasFileException(path, $"zip member '{entry.FullName}' declares {entry.Length} bytes, more than one array holds ({Array.MaxLength}).");
        var bytes = GC.AllocateUninitializedArray<byte>((int)entry.Length);
        try
        {
            using var member = entry.Open();
            member.ReadExactly(bytes);
            if (member.ReadByte() >= 0) throw new InvalidDataException($"the member holds more than the {entry.Length} bytes it declares.");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new KerasFileException(path, $"zip member '{entry.FullName}' is damaged ({e.Message}).", e);
        }
        // ZipArchive does not check the CRC of what it reads; a flipped byte would otherwise go unnoticed.
        var crc = System.IO.Hashing.Crc32.HashToUInt32(bytes);
        if (crc != entry.Crc32)
            throw new KerasFileException(path, $"zip member '{entry.FullName}' is corrupt: CRC-32 {crc:x8}, expected {entry.Crc32:x8}.");
        return new MemoryStream(bytes, writable: false);
    }

    /// <summary>Writes a <c>.keras</c> archive to <paramref name="output"/>.</summary>
    public static void Write(Stream output, string config, string metadata, H5Writer weights)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        WriteText(zip, KerasFormat.MetadataFileName, metadata);
        WriteText(zip, KerasFormat.ConfigFileName, config);
        // HDF5 needs a seekable stream; zip members are not, so the image is built in memory first, as Keras does
        // when memory allows; sized up front (the data plus room for the structure) so it is not copied as it grows.
        using var image = new MemoryStream(checked((int)Math.Min(int.MaxValue, weights.DataBytes + (1 << 20))));
        weights.WriteTo(image);
        var entry = zip.CreateEntry(KerasFormat.WeightsFileName, CompressionLevel.NoCompression);
        using var member = entry.Open();
        image.Position = 0;
        image.CopyTo(member);
    }

    static void WriteText(ZipArchive zip, string name, string text)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var member = entry.Open();
        member.Write(Encoding.UTF8.GetBytes(text));
    }

    public void Dispose() => Weights?.Dispose();
}
