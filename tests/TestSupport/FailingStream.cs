// Compiled into every test project by Directory.Build.targets: a stream that fails on demand, like a disk that fills up,
// for testing what writers do when a write or a flush fails.
internal sealed class FailingStream(Stream inner, FailingStream.Options options) : Stream
{
    /// <summary>When to fail; shared so a test can inspect it after the writer is gone.</summary>
    public sealed class Options
    {
        /// <summary>Bytes accepted before every further write fails with ENOSPC's message (the disk stays full).</summary>
        public long FailAfterBytes { get; set; } = long.MaxValue;

        /// <summary>Make Flush fail too (once the disk is full).</summary>
        public bool FailFlush { get; set; }

        /// <summary>Bytes accepted so far.</summary>
        public long Written { get; internal set; }

        /// <summary>Writes (and flushes) refused so far.</summary>
        public int Failures { get; internal set; }
    }

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override void Flush()
    {
        if (options.FailFlush && options.Written >= options.FailAfterBytes) throw Full();
        inner.Flush();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => inner.SetLength(value);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long room = options.FailAfterBytes - options.Written;
        if (buffer.Length > room)
        {
            // Like write(2) on a nearly full disk: what fits is written, then the error.
            if (room > 0)
            {
                inner.Write(buffer[..(int)room]);
                options.Written += room;
            }
            throw Full();
        }
        inner.Write(buffer);
        options.Written += buffer.Length;
    }

    IOException Full()
    {
        options.Failures++;
        return new IOException("No space left on device (FailingStream)", 28);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
