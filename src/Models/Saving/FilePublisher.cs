namespace Pipeline.Models.Saving;

/// <summary>
/// The one place where saving publishes a file: the bytes go to a temporary file in the target's folder, which
/// replaces the target only once it is complete, so a crash or kill during a save leaves the previous file intact.
/// </summary>
internal static class FilePublisher
{
    /// <summary>Writes <paramref name="path"/> atomically from <paramref name="write"/>; a throwing producer leaves no file behind.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot save '{path}': directory '{directory}' does not exist.");
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Random.Shared.NextInt64():x16}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
