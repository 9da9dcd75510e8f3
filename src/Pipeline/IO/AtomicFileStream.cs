using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Pipeline.IO;

/// <summary>
/// Writes a file atomically: the bytes go to a temporary file next to <see cref="Path"/>, and the file appears under
/// its final name, complete, only when it is published. Every file the library writes whole (TFRecord files, caches,
/// saved models and checkpoints) goes through this type, so they all follow one rule:
/// </summary>
/// <remarks>
/// <para><b>The rule.</b> <see cref="Dispose"/> (the end of a <c>using</c> block) publishes the file unless a write
/// failed or <see cref="Abort"/> was called; then the temporary file is removed and an existing file under the final
/// name is left as it was. Nothing depends on whether an exception happens to be in flight: a <c>using</c> block that
/// completes normally never loses data, including inside a <c>catch</c> or <c>finally</c> block. To discard a file
/// when your own code fails midway, call <see cref="Abort"/> from your <c>catch</c>, or use the one-call form
/// <see cref="WriteAll(string, Action{Stream})"/>, which aborts when the producer throws:</para>
/// <code>
/// AtomicFileStream.WriteAll("weights.bin", stream => model.SaveTo(stream));   // all of it, or nothing
/// </code>
/// <para><b>Failures.</b> When a write or the final flush fails (a full disk, say), the temporary file is removed in
/// every path and the first error is the one you see; closing never writes again after a failure, so it cannot
/// replace that error with a second one. <see cref="Commit"/> publishes explicitly and throws if it cannot.</para>
/// <para><b>Crash or kill.</b> The final name holds either the previous file or the complete new one, never a mix:
/// the data is flushed to disk before the rename, and the directory is synced after it. A killed writer leaves its
/// temporary file, named <c>.&lt;name&gt;.&lt;pid&gt;.&lt;16 hex digits&gt;.tmp</c> in the target's folder; the next
/// writer of the same path removes such leftovers once their process is gone (no live process with that id, and no
/// process holding the file's lock), so they never pile up.</para>
/// <para><b>Replacing a file</b> keeps its permission bits (Unix), and when the path is a symbolic link the linked
/// file is replaced and the link kept, as editors and <c>sed -i --follow-symlinks</c> do. Ownership is that of the
/// writing user.</para>
/// <para>The stream is readable and seekable (file formats such as HDF5 and zip seek back to patch headers).
/// One thread at a time, like <see cref="FileStream"/>.</para>
/// </remarks>
public sealed class AtomicFileStream : Stream
{
    /// <summary>The default write buffer, in bytes.</summary>
    public const int DefaultBufferSize = 1 << 16;

    const string TemporarySuffix = ".tmp";
    // NAME_MAX is 255 bytes; the temporary name adds up to 34 characters to the file's own name.
    const int MaxNameBytesInTemporary = 200;

    readonly FileStream _file; // unbuffered: disposing it closes the handle and never writes
    readonly BufferedStream _buffer;
    Exception? _firstError;
    StreamState _state;

    enum StreamState { Open, Published, Discarded }

    /// <summary>
    /// Starts writing <paramref name="path"/>: creates the temporary file next to it (next to the link's target when
    /// <paramref name="path"/> is a symbolic link) and removes leftovers of dead writers of the same path.
    /// </summary>
    /// <param name="path">The final file name. Its folder must exist.</param>
    /// <param name="bufferSize">Bytes buffered before they go to the operating system.</param>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException"><paramref name="path"/> is a directory, or the temporary file cannot be created.</exception>
    public AtomicFileStream(string path, int bufferSize = DefaultBufferSize)
        : this(path, bufferSize, wrapFile: null)
    {
    }

    /// <summary>Tests put a stream that fails on demand between the buffer and the file.</summary>
    internal AtomicFileStream(string path, int bufferSize, Func<Stream, Stream>? wrapFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        Path = ResolveTarget(System.IO.Path.GetFullPath(path));
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot write '{path}': directory '{directory}' does not exist.");
        if (Directory.Exists(Path))
            throw new IOException($"Cannot write '{path}': it is a directory.");

        var fileName = System.IO.Path.GetFileName(Path);
        RemoveLeftovers(directory, fileName);
        UnixFileMode? keepMode = !OperatingSystem.IsWindows() && File.Exists(Path) ? File.GetUnixFileMode(Path) : null;

        TemporaryPath = System.IO.Path.Combine(directory,
            $"{TemporaryPrefix(fileName)}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Random.Shared.NextInt64():x16}{TemporarySuffix}");
        // FileShare.None takes an advisory lock on Unix: the sign, for a later writer, that this file is still in use.
        _file = new FileStream(TemporaryPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 0,
        });
        try
        {
            if (keepMode is { } mode && !OperatingSystem.IsWindows()) File.SetUnixFileMode(_file.SafeFileHandle, mode);
        }
        catch
        {
            _file.Dispose();
            File.Delete(TemporaryPath);
            throw;
        }
        _buffer = new BufferedStream(wrapFile is null ? _file : wrapFile(_file), bufferSize);
    }

    /// <summary>
    /// Writes a whole file in one call: runs <paramref name="write"/> on a new stream for <paramref name="path"/> and
    /// publishes the file when it returns; when it throws, discards the file and rethrows.
    /// </summary>
    /// <param name="path">The final file name.</param>
    /// <param name="write">Writes the file's content.</param>
    public static void WriteAll(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var file = new AtomicFileStream(path);
        try
        {
            write(file);
        }
        catch
        {
            file.Abort();
            throw;
        }
        file.Commit();
    }

    /// <summary>Writes <paramref name="bytes"/> as the whole content of <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The final file name.</param>
    /// <param name="bytes">The content.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = new AtomicFileStream(path);
        file.Write(bytes);
        file.Commit();
    }

    /// <summary>The final path (the link's target when the path given was a symbolic link).</summary>
    public string Path { get; }

    /// <summary>The temporary file the bytes go to until the file is published.</summary>
    public string TemporaryPath { get; }

    /// <summary>True once the file is complete under <see cref="Path"/>.</summary>
    public bool IsPublished => _state == StreamState.Published;

    /// <summary>
    /// Publishes the file: flushes it to disk and renames it to <see cref="Path"/>, replacing any file there.
    /// After this the stream accepts no more writes. On failure the temporary file is removed and the error thrown.
    /// </summary>
    /// <exception cref="IOException">Publishing failed, or an earlier write failed (that error is the inner exception).</exception>
    public void Commit()
    {
        if (_state == StreamState.Published) return;
        ObjectDisposedException.ThrowIf(_state == StreamState.Discarded, this);
        if (_firstError is not null)
        {
            Discard();
            throw new IOException($"'{Path}' was not written: an earlier write failed ({_firstError.Message}). " +
                "The temporary file was removed and any previous file is unchanged.", _firstError);
        }
        try
        {
            _buffer.Flush();
            _file.Flush(flushToDisk: true);
            _file.Dispose();
            File.Move(TemporaryPath, Path, overwrite: true);
        }
        catch (Exception e)
        {
            _firstError = e;
            Discard();
            throw;
        }
        _state = StreamState.Published;
        SyncDirectory(System.IO.Path.GetDirectoryName(Path)!);
    }

    /// <summary>Discards the file: removes the temporary file and leaves <see cref="Path"/> as it was. Never throws; idempotent.</summary>
    public void Abort()
    {
        if (_state == StreamState.Open) Discard();
    }

    /// <summary>Publishes the file (see <see cref="Commit"/>) unless a write failed or <see cref="Abort"/> was called.</summary>
    /// <param name="disposing">True from <see cref="Stream.Dispose()"/>.</param>
    protected override void Dispose(bool disposing)
    {
        try
        {
            if (disposing && _state == StreamState.Open)
            {
                if (_firstError is null) Commit();
                else Discard();
            }
        }
        finally
        {
            base.Dispose(disposing);
        }
    }

    /// <inheritdoc/>
    public override bool CanRead => _state == StreamState.Open;

    /// <inheritdoc/>
    public override bool CanSeek => _state == StreamState.Open;

    /// <inheritdoc/>
    public override bool CanWrite => _state == StreamState.Open;

    /// <inheritdoc/>
    public override long Length
    {
        get
        {
            EnsureUsable();
            try { return _buffer.Length; }
            catch (Exception e) when (Failed(e)) { throw; }
        }
    }

    /// <inheritdoc/>
    public override long Position
    {
        get
        {
            EnsureUsable();
            return _buffer.Position;
        }
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>Passes buffered bytes to the operating system (not to disk; <see cref="Commit"/> does that).</summary>
    public override void Flush()
    {
        EnsureUsable();
        try { _buffer.Flush(); }
        catch (Exception e) when (Failed(e)) { throw; }
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureUsable();
        try { _buffer.Write(buffer); }
        catch (Exception e) when (Failed(e)) { throw; }
    }

    /// <inheritdoc/>
    public override void WriteByte(byte value)
    {
        EnsureUsable();
        try { _buffer.WriteByte(value); }
        catch (Exception e) when (Failed(e)) { throw; }
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        EnsureUsable();
        try { return _buffer.Read(buffer); }
        catch (Exception e) when (Failed(e)) { throw; }
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin)
    {
        EnsureUsable();
        try { return _buffer.Seek(offset, origin); }
        catch (Exception e) when (e is not ArgumentException && Failed(e)) { throw; }
    }

    /// <inheritdoc/>
    public override void SetLength(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        EnsureUsable();
        try { _buffer.SetLength(value); }
        catch (Exception e) when (Failed(e)) { throw; }
    }

    /// <summary>The prefix every temporary file for <paramref name="fileName"/> starts with.</summary>
    internal static string TemporaryPrefix(string fileName)
    {
        var name = fileName;
        while (Encoding.UTF8.GetByteCount(name) > MaxNameBytesInTemporary) name = name[..^1];
        return $".{name}.";
    }

    /// <summary>True for a temporary file of <paramref name="fileName"/>, with the id of the process that created it.</summary>
    internal static bool TryParseTemporary(string temporaryName, string fileName, out int processId)
    {
        processId = 0;
        var prefix = TemporaryPrefix(fileName);
        if (!temporaryName.StartsWith(prefix, StringComparison.Ordinal) || !temporaryName.EndsWith(TemporarySuffix, StringComparison.Ordinal))
            return false;
        var middle = temporaryName.AsSpan(prefix.Length, temporaryName.Length - prefix.Length - TemporarySuffix.Length);
        int dot = middle.IndexOf('.');
        return dot > 0 && middle.Length - dot - 1 == 16
            && int.TryParse(middle[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out processId)
            && long.TryParse(middle[(dot + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>
    /// Removes temporary files of <paramref name="fileName"/> whose writer is gone: no live process has the id in the
    /// name, and nobody holds the file's lock (which also covers writers in other PID namespaces or on other hosts
    /// of a shared file system, where the id means nothing).
    /// </summary>
    static void RemoveLeftovers(string directory, string fileName)
    {
        string[] candidates;
        try
        {
            candidates = Directory.GetFiles(directory, TemporaryPrefix(fileName) + "*" + TemporarySuffix);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var candidate in candidates)
        {
            if (!TryParseTemporary(System.IO.Path.GetFileName(candidate), fileName, out int owner) || IsAlive(owner)) continue;
            try
            {
                // Taking the lock proves no writer has it open; DeleteOnClose removes it while we hold the lock.
                using var claim = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still in use, or not ours to remove: leave it.
            }
        }
    }

    static bool IsAlive(int processId)
    {
        if (processId == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The final target when <paramref name="path"/> is a symbolic link (even a dangling one), else the path itself.</summary>
    static string ResolveTarget(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return path;
        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? path : System.IO.Path.GetFullPath(target.FullName);
    }

    void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(_state != StreamState.Open, this);
        if (_firstError is not null)
            throw new IOException($"An earlier write to '{Path}' failed ({_firstError.Message}); the file will be discarded.", _firstError);
    }

    /// <summary>Records the first failure; always false, so it can sit in an exception filter.</summary>
    bool Failed(Exception e)
    {
        if (e is not ArgumentException) _firstError ??= e;
        return false;
    }

    void Discard()
    {
        _state = StreamState.Discarded;
        try
        {
            _file.Dispose(); // no buffer of its own: closing cannot fail on a full disk
        }
        catch (IOException)
        {
        }
        try
        {
            File.Delete(TemporaryPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next writer of this path removes it (see RemoveLeftovers).
        }
    }

    /// <summary>Makes the rename durable (POSIX: fsync the directory). Best effort: not every file system supports it.</summary>
    static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            int fd = open(directory, 0 /* O_RDONLY */);
            if (fd < 0) return;
            fsync(fd);
            close(fd);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    static extern int close(int fd);
}
