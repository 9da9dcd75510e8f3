using Pipeline.IO;

namespace Pipeline.Models.Saving;

/// <summary>
/// The one place where saving publishes a file, through the library's atomic writer: the bytes go to a temporary
/// file in the target's folder that replaces the target only once complete, so a crash or kill during a save leaves
/// the previous file intact, and a failing producer leaves no file behind.
/// </summary>
internal static class FilePublisher
{
    /// <summary>Writes <paramref name="path"/> atomically from <paramref name="write"/> (the stream is readable and seekable).</summary>
    public static void Write(string path, Action<Stream> write) => AtomicFileStream.WriteAll(path, write);
}
