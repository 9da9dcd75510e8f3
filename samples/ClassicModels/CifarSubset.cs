using System.Formats.Tar;
using System.IO.Compression;

/// <summary>Unpacks the first images of each class from the CIFAR-10 JPEG archive in shared/datasets.</summary>
internal static class CifarSubset
{
    /// <summary>
    /// Writes the first <paramref name="perClass"/> images of every class of <paramref name="archive"/>
    /// (<c>train/&lt;class&gt;/NNNN.jpg</c>) under a new temporary folder and returns its <c>train</c> folder.
    /// </summary>
    public static string Extract(string archive, int perClass)
    {
        var root = Directory.CreateTempSubdirectory("classic-models-cifar-").FullName;
        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
            var parts = entry.Name.Split('/');
            if (parts is not ["train", var label, var file] || !file.EndsWith(".jpg", StringComparison.Ordinal)) continue;
            int n = taken.GetValueOrDefault(label);
            if (n >= perClass) continue;
            taken[label] = n + 1;
            var folder = Directory.CreateDirectory(Path.Combine(root, "train", label)).FullName;
            entry.ExtractToFile(Path.Combine(folder, file), overwrite: false);
        }
        return Path.Combine(root, "train");
    }

    /// <summary>The CIFAR-10 JPEG archive in the shared data folder (PIPELINE_SHARED_DIR, else a "shared" folder beside or above the clone), or null.</summary>
    public static string? SharedArchive()
    {
        var env = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR");
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(env)) candidates.Add(env);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                candidates.Add(Path.Combine(dir.FullName, "shared"));
        return candidates.Select(c => Path.Combine(c, "datasets", "cifar10-train-jpeg.tar.gz")).FirstOrDefault(File.Exists);
    }
}
