using System.Runtime.InteropServices;

namespace Pipeline.Records.Framing;

/// <summary>
/// Reads the decompressed bytes of a GZIP (RFC 1952) or ZLIB (RFC 1950) TFRecord file and proves the compressed
/// stream complete. .NET's <see cref="System.IO.Compression.GZipStream"/> and <see cref="System.IO.Compression.ZLibStream"/>
/// report a normal end when their input merely runs out, and ignore bytes after the end, so a truncated file would read
/// as a complete, shorter one. Here every failure raises <see cref="InvalidDataException"/> naming the compressed offset:
/// input that ends before the stream's end marker and checksum trailer; a wrong CRC-32 or ISIZE (GZIP) or Adler-32
/// (ZLIB), which zlib itself checks once it reaches the trailer; and bytes after the end.
/// </summary>
/// <remarks>
/// After a GZIP member, another member is read as its continuation, as <c>gzip -d</c>, Python's <c>gzip</c> and
/// TensorFlow do; zero bytes padding the end of the file are ignored, as <c>gzip -d</c> and Python do; anything else is
/// an error. A ZLIB file is one stream (TensorFlow reads no further than its end), so a second stream after it is an
/// error rather than records silently dropped. It is zlib (the copy inside .NET, System.IO.Compression.Native) that
/// inflates, through the same entry points .NET's streams use; we only keep hold of where the input stands.
/// </remarks>
internal sealed unsafe class VerifiedInflateStream : Stream
{
    const int InputBufferSize = 1 << 16;
    const int GzipWindowBits = 15 + 16;
    const int ZlibWindowBits = 15;

    readonly Stream _input;
    readonly bool _leaveOpen;
    readonly bool _gzip;
    readonly byte[] _in; // pinned: zlib keeps a pointer into it between calls
    ZStream* _z;
    long _inputOffset;  // compressed offset of _in[0]
    int _inLength;      // bytes in _in
    bool _inputEnded;
    bool _memberEnded;
    bool _finished;
    long _members;

    public VerifiedInflateStream(Stream input, TFRecordCompression compression, bool leaveOpen)
    {
        _input = input;
        _leaveOpen = leaveOpen;
        _gzip = compression == TFRecordCompression.Gzip;
        // Small files (and the many small files of a sharded dataset) need no 64 KiB buffer each.
        long left = input.CanSeek ? Math.Max(input.Length - input.Position, 0) : InputBufferSize;
        _in = GC.AllocateUninitializedArray<byte>((int)Math.Clamp(left + 1, 64, InputBufferSize), pinned: true);
        _z = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        Init();
    }

    ~VerifiedInflateStream() => Release();

    string Format => _gzip ? "GZIP" : "ZLIB";

    /// <summary>Compressed bytes consumed so far.</summary>
    long CompressedOffset => _inputOffset + _inLength - _z->AvailIn;

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_z is null, this);
        if (_finished || destination.IsEmpty) return 0;
        fixed (byte* output = destination)
        {
            while (true)
            {
                if (_memberEnded && !NextMember())
                {
                    _finished = true;
                    return 0;
                }
                if (_z->AvailIn == 0 && !_inputEnded) Refill();
                uint inBefore = _z->AvailIn;
                _z->NextOut = output;
                _z->AvailOut = (uint)destination.Length;
                int status = Inflate(_z, 0 /* Z_NO_FLUSH */);
                int produced = destination.Length - (int)_z->AvailOut;
                switch (status)
                {
                    case ZStreamEnd:
                        _memberEnded = true;
                        _members++;
                        if (produced > 0) return produced;
                        continue;
                    case ZOk:
                    case ZBufError:
                        if (produced > 0) return produced;
                        if (_z->AvailIn == 0 && _inputEnded) throw Truncated();
                        if (_z->AvailIn == inBefore && _z->AvailIn > 0)
                            throw new InvalidDataException($"{Format} stream: zlib made no progress at compressed byte {CompressedOffset}.");
                        continue;
                    case ZNeedDict:
                        throw new InvalidDataException($"{Format} stream at compressed byte {CompressedOffset} needs a preset dictionary, which TFRecord files never use.");
                    case ZDataError:
                        string zlibSays = Message();
                        throw new InvalidDataException($"{Format} stream is damaged near compressed byte {CompressedOffset}: {zlibSays}" +
                            (zlibSays.Contains("header", StringComparison.Ordinal)
                                ? $" (is the file really {Format}-compressed? Pass the compression it was written with)."
                                : "."));
                    case ZMemError:
                        throw new OutOfMemoryException($"zlib ran out of memory inflating a {Format} stream.");
                    default:
                        throw new IOException($"zlib failed with status {status} inflating a {Format} stream at compressed byte {CompressedOffset}: {Message()}.");
                }
            }
        }
    }

    InvalidDataException Truncated() => new(
        $"{Format} stream is truncated: the file ends at compressed byte {CompressedOffset}, before the end of the compressed data " +
        $"and its {(_gzip ? "CRC-32/ISIZE" : "Adler-32")} trailer" + (_members > 0 ? $" (in GZIP member {_members + 1})" : "") + ".");

    /// <summary>After the end of a stream: true when another GZIP member follows (zlib is reset for it), false at a clean end.</summary>
    bool NextMember()
    {
        while (true)
        {
            if (_z->AvailIn == 0)
            {
                if (!_inputEnded) Refill();
                if (_z->AvailIn == 0) return false;
            }
            byte next = *_z->NextIn;
            long at = CompressedOffset;
            if (_gzip && next == 0x1f)
            {
                // Another member (concatenated gzip files): zlib checks its header; keep the input where it is.
                var nextIn = _z->NextIn;
                uint availIn = _z->AvailIn;
                End();
                Init();
                _z->NextIn = nextIn;
                _z->AvailIn = availIn;
                _memberEnded = false;
                return true;
            }
            if (_gzip && next == 0)
            {
                // Zero padding after the last member (tape blocks, preallocated files): ignored by gzip and Python.
                while (_z->AvailIn > 0 && *_z->NextIn == 0)
                {
                    _z->NextIn++;
                    _z->AvailIn--;
                }
                if (_z->AvailIn == 0) continue;
                throw new InvalidDataException(
                    $"GZIP stream: unexpected byte 0x{*_z->NextIn:x2} at compressed byte {CompressedOffset}, after zero padding that follows the end of the data.");
            }
            if (!_gzip)
            {
                bool secondStream = next == 0x78;
                throw new InvalidDataException(secondStream
                    ? $"ZLIB stream: a second ZLIB stream starts at compressed byte {at}, after the end of the first. A ZLIB TFRecord file is one stream " +
                      "(TensorFlow stops at its end), so the records in the second would be lost; rewrite the file as one stream."
                    : $"ZLIB stream: unexpected data at compressed byte {at}, after the end of the stream and its Adler-32 trailer.");
            }
            throw new InvalidDataException(
                $"GZIP stream: unexpected byte 0x{next:x2} at compressed byte {at}, after the end of GZIP member {_members}; expected another member (0x1f 0x8b) or the end of the file.");
        }
    }

    void Refill()
    {
        _inputOffset += _inLength;
        _inLength = 0;
        while (_inLength == 0)
        {
            int n = _input.Read(_in, 0, _in.Length);
            if (n == 0)
            {
                _inputEnded = true;
                break;
            }
            _inLength = n;
        }
        fixed (byte* p = _in) _z->NextIn = p; // pinned: the address stays valid after the fixed block
        _z->AvailIn = (uint)_inLength;
    }

    void Init()
    {
        int status = InflateInit2(_z, _gzip ? GzipWindowBits : ZlibWindowBits);
        if (status != ZOk) throw new IOException($"zlib could not start inflating (status {status}).");
    }

    void End() => InflateEnd(_z);

    string Message() => _z->Msg is null ? "no details from zlib" : Marshal.PtrToStringUTF8((IntPtr)_z->Msg) ?? "";

    void Release()
    {
        if (_z is null) return;
        if (_z->InternalState != IntPtr.Zero) End();
        NativeMemory.Free(_z);
        _z = null;
    }

    protected override void Dispose(bool disposing)
    {
        Release();
        if (disposing)
        {
            GC.SuppressFinalize(this);
            if (!_leaveOpen) _input.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => _z is not null;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    const int ZOk = 0, ZStreamEnd = 1, ZNeedDict = 2, ZDataError = -3, ZMemError = -4, ZBufError = -5;

    /// <summary>System.IO.Compression.Native's PAL_ZStream (the same layout on every platform .NET runs on).</summary>
    [StructLayout(LayoutKind.Sequential)]
    struct ZStream
    {
        public byte* NextIn;
        public byte* NextOut;
        public sbyte* Msg;
        public IntPtr InternalState;
        public uint AvailIn;
        public uint AvailOut;
    }

    const string Zlib = "System.IO.Compression.Native";

    [DllImport(Zlib, EntryPoint = "CompressionNative_InflateInit2_")]
    static extern int InflateInit2(ZStream* stream, int windowBits);

    [DllImport(Zlib, EntryPoint = "CompressionNative_Inflate")]
    static extern int Inflate(ZStream* stream, int flush);

    [DllImport(Zlib, EntryPoint = "CompressionNative_InflateEnd")]
    static extern int InflateEnd(ZStream* stream);
}
