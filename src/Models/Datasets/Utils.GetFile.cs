using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Pipeline.Models;

public static partial class Utils
{
    static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// <c>keras.utils.get_file</c>: downloads <paramref name="origin"/> into the cache once and returns the cached path.
    /// A partial download is kept as <c>&lt;file&gt;.part</c> and resumed (HTTP Range) on the next try or call; the file
    /// is published only once complete and, with <paramref name="fileHash"/>, verified; a cached file whose hash does
    /// not match is downloaded again.
    /// </summary>
    /// <param name="fname">The file name in the cache.</param>
    /// <param name="origin">The URL.</param>
    /// <param name="fileHash">Expected SHA-256 (64 hex digits) or MD5 (32 hex digits); null skips the check.</param>
    /// <param name="cacheSubdir">Folder under the cache directory (Keras: "datasets").</param>
    /// <param name="cacheDir">The cache directory; null uses <c>$KERAS_HOME</c>, else <c>~/.keras</c>.</param>
    /// <param name="extract">Also extract a .tar.gz, .tgz, .tar or .zip archive next to it.</param>
    /// <param name="progress">Where the progress bar goes; null writes to standard output.</param>
    /// <param name="retries">Attempts after a broken connection, each resuming where the last stopped.</param>
    /// <returns>The path of the cached file.</returns>
    /// <exception cref="InvalidDataException">The downloaded file's hash differs from <paramref name="fileHash"/> (the partial file is deleted).</exception>
    /// <exception cref="HttpRequestException">The server answered with an error status, or every attempt failed.</exception>
    public static string GetFile(string fname, string origin, string? fileHash = null, string cacheSubdir = "datasets", string? cacheDir = null,
        bool extract = false, TextWriter? progress = null, int retries = 3)
    {
        ArgumentException.ThrowIfNullOrEmpty(fname);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        if (fileHash is not null && fileHash.Length is not (32 or 64))
            throw new ArgumentException($"fileHash must be a SHA-256 (64 hex digits) or MD5 (32 hex digits), but has {fileHash.Length} characters.", nameof(fileHash));
        cacheDir ??= Environment.GetEnvironmentVariable("KERAS_HOME") is { Length: > 0 } home ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".keras");
        var folder = Path.Combine(cacheDir, cacheSubdir);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, fname);
        progress ??= Console.Out;

        if (File.Exists(target) && (fileHash is null || HashMatches(target, fileHash)))
        {
            if (extract) Extract(target, folder);
            return target;
        }
        if (File.Exists(target))
            progress.WriteLine($"A local file was found, but it seems to be incomplete or outdated because the {HashName(fileHash!)} file hash does not match the original value of {fileHash}, so we will re-download the data.");

        var part = target + ".part";
        progress.WriteLine($"Downloading data from {origin}");
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                DownloadTo(origin, part, progress);
                break;
            }
            catch (Exception e) when (e is IOException or HttpRequestException { StatusCode: null } && attempt < retries)
            {
                progress.WriteLine();
                progress.WriteLine($"The download stopped at {new FileInfo(part).Length:N0} bytes ({e.Message}); resuming.");
            }
        }
        if (fileHash is not null && !HashMatches(part, fileHash))
        {
            var actual = Hash(part, fileHash.Length == 64);
            File.Delete(part);
            throw new InvalidDataException($"GetFile: the file downloaded from {origin} has {HashName(fileHash)} {actual}, expected {fileHash}; it was deleted. The download may be corrupt or the origin changed.");
        }
        File.Move(part, target, overwrite: true);
        if (extract) Extract(target, folder);
        return target;
    }

    static void DownloadTo(string origin, string part, TextWriter progress)
    {
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, origin);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = Http.Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
        {
            // The part is already complete (or the server lost the file): start over rather than trust it.
            File.Delete(part);
            DownloadTo(origin, part, progress);
            return;
        }
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GetFile: {origin} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
        if (!resumed) have = 0;   // the server ignored the range: the body is the whole file
        long? total = response.Content.Headers.ContentLength is long length ? length + have : null;
        using var body = response.Content.ReadAsStream();
        using var file = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write);
        var buffer = new byte[81920];
        long done = have;
        var bar = new DownloadBar(progress, total);
        int read;
        while ((read = body.Read(buffer)) > 0)
        {
            file.Write(buffer, 0, read);
            done += read;
            bar.Update(done);
        }
        file.Flush(flushToDisk: true);
        if (total is long expected && done < expected)
            throw new IOException($"the connection closed after {done:N0} of {expected:N0} bytes");
        bar.Finish(done);
    }

    /// <summary>Keras's download progress bar: <c>12345/67890 [=====&gt;........] 18%</c> on one line.</summary>
    sealed class DownloadBar(TextWriter output, long? total)
    {
        int _shown = -1;

        internal void Update(long done)
        {
            int percent = total is > 0 ? (int)(100 * done / total.Value) : -1;
            if (percent == _shown) return;
            _shown = percent;
            output.Write(total is > 0
                ? $"\r{done}/{total} [{new string('=', percent * 30 / 100).PadRight(30, '.')}] {percent}%"
                : $"\r{done} bytes");
        }

        internal void Finish(long done)
        {
            _shown = -1;
            Update(done);
            output.WriteLine();
        }
    }

    static bool HashMatches(string path, string expected) => string.Equals(Hash(path, expected.Length == 64), expected, StringComparison.OrdinalIgnoreCase);

    static string Hash(string path, bool sha256)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(sha256 ? SHA256.HashData(stream) : MD5.HashData(stream));
    }

    static string HashName(string hash) => hash.Length == 64 ? "sha256" : "md5";

    static void Extract(string archive, string folder)
    {
        if (archive.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            ZipFile.ExtractToDirectory(archive, folder, overwriteFiles: true);
        else if (archive.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || archive.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            TarFile.ExtractToDirectory(gzip, folder, overwriteFiles: true);
        }
        else if (archive.EndsWith(".tar", StringComparison.OrdinalIgnoreCase))
            TarFile.ExtractToDirectory(archive, folder, overwriteFiles: true);
        else
            throw new ArgumentException($"GetFile: cannot extract '{archive}': only .tar.gz, .tgz, .tar and .zip archives are supported.", nameof(archive));
    }
}
