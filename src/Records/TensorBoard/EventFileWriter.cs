using Google.Protobuf;
using Pipeline.Records.TensorBoard;

namespace Pipeline.Records;

/// <summary>
/// Writes a TensorBoard event file, <c>events.out.tfevents.&lt;time&gt;.&lt;host&gt;</c> in a log directory:
/// a TFRecord file of <see cref="Event"/> protos that starts with <c>file_version = "brain.Event:2"</c>
/// (what <c>tf.summary.create_file_writer</c> writes). Point <c>tensorboard --logdir</c> at the directory.
/// </summary>
/// <remarks>
/// Scalars are written the TF2 way (a float32 scalar tensor with the <c>scalars</c> plugin), which TensorBoard and
/// TF's own readers understand. Events are buffered; <see cref="Flush"/> pushes them to disk so a running TensorBoard
/// sees them (Keras' callback flushes at each epoch end). The file is appended in place, not renamed, because
/// TensorBoard reads it while training runs: unlike the library's
/// whole-file writers (<see cref="Pipeline.IO.AtomicFileStream"/>), an event file is visible from the start, every
/// flushed event is kept if the process dies, and a kill can leave a truncated last record, which readers drop.
/// Thread-safe.
/// </remarks>
public sealed class EventFileWriter : IDisposable
{
    /// <summary>The first event of every file, as TensorFlow writes it.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly object _gate = new();
    private readonly FileStream _file;
    private readonly TFRecordWriter _writer;
    private bool _disposed;

    /// <summary>Creates <paramref name="logDir"/> if needed and starts a new event file in it.</summary>
    /// <param name="logDir">The run's log directory, e.g. <c>logs/fit/20240101-120000/train</c>.</param>
    /// <param name="filenameSuffix">Appended to the file name (TF's <c>filename_suffix</c>), e.g. <c>".v2"</c>.</param>
    public EventFileWriter(string logDir, string filenameSuffix = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        ArgumentNullException.ThrowIfNull(filenameSuffix);
        Directory.CreateDirectory(logDir);
        double now = WallTime();
        string host = Environment.MachineName;
        string stem = $"events.out.tfevents.{(long)now}.{host}";
        string path = Path.Combine(logDir, stem + filenameSuffix);
        // Two writers in the same second and directory must not share a file.
        for (int n = 1; File.Exists(path); n++)
            path = Path.Combine(logDir, $"{stem}.{Environment.ProcessId}.{n}{filenameSuffix}");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
        _writer = new TFRecordWriter(_file, leaveOpen: true);
        FilePath = path;
        WriteEvent(new Event { WallTime = now, Step = 0, FileVersion = FileVersion });
        Flush();
    }

    /// <summary>Full path of the event file.</summary>
    public string FilePath { get; }

    /// <summary>Logs a scalar (<c>tf.summary.scalar(tag, value, step)</c>); stored as float32, as TensorFlow does.</summary>
    /// <param name="tag">Series name, e.g. <c>epoch_loss</c>.</param>
    /// <param name="value">The value.</param>
    /// <param name="step">Step or epoch index (the x axis).</param>
    public void AddScalar(string tag, double value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var content = new byte[4];
        BitConverter.TryWriteBytes(content, (float)value); // little-endian, like TensorFlow's tensor_content
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto(), TensorContent = ByteString.CopyFrom(content) };
        var summaryValue = new Summary.Types.Value
        {
            Tag = tag,
            Metadata = new SummaryMetadata
            {
                // No data_class: byte-for-byte what tf.summary.scalar wrote in TF 2.1 (the fixture); TensorBoard infers it.
                PluginData = new SummaryMetadata.Types.PluginData { PluginName = "scalars" },
            },
            Tensor = tensor,
        };
        AddSummary(new Summary { Value = { summaryValue } }, step);
    }

    /// <summary>Logs an already encoded image (PNG or JPEG) the way TF1's image summary does, readable by TensorBoard's Images tab.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="encodedImage">PNG or JPEG file bytes.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="channels">1 (grey), 3 (RGB) or 4 (RGBA).</param>
    /// <param name="step">Step or epoch index.</param>
    public void AddImage(string tag, byte[] encodedImage, int height, int width, int channels, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentNullException.ThrowIfNull(encodedImage);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (channels is not (1 or 2 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1, 2, 3 or 4.");
        var image = new Summary.Types.Image { Height = height, Width = width, Colorspace = channels, EncodedImageString = ByteString.CopyFrom(encodedImage) };
        AddSummary(new Summary { Value = { new Summary.Types.Value { Tag = tag, Image = image } } }, step);
    }

    /// <summary>
    /// Logs a histogram of <paramref name="values"/> (TensorBoard's Histograms and Distributions tabs), bucketed like
    /// TF1's <c>tf.summary.histogram</c>: exponential buckets growing by 1.1x from 1e-12, runs of empty buckets merged.
    /// </summary>
    /// <param name="tag">Series name, e.g. <c>dense/kernel_0</c>.</param>
    /// <param name="values">The values (any shape, any floating or integer dtype).</param>
    /// <param name="step">Step or epoch index.</param>
    public void AddHistogram(string tag, TorchSharp.torch.Tensor values, long step)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var flat = values.detach().cpu().to_type(TorchSharp.torch.ScalarType.Float64).contiguous();
        AddHistogram(tag, flat.numel() == 0 ? [] : flat.data<double>().ToArray(), step);
    }

    /// <summary>Logs a histogram of <paramref name="values"/>; see <see cref="AddHistogram(string, TorchSharp.torch.Tensor, long)"/>.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="values">The values.</param>
    /// <param name="step">Step or epoch index.</param>
    public void AddHistogram(string tag, ReadOnlySpan<double> values, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var histogram = Histograms.Build(values);
        AddSummary(new Summary { Value = { new Summary.Types.Value { Tag = tag, Histo = histogram } } }, step);
    }

    /// <summary>Logs a summary (one or more tagged values) at <paramref name="step"/>.</summary>
    /// <param name="summary">The summary.</param>
    /// <param name="step">Step or epoch index.</param>
    public void AddSummary(Summary summary, long step)
    {
        ArgumentNullException.ThrowIfNull(summary);
        WriteEvent(new Event { WallTime = WallTime(), Step = step, Summary = summary });
    }

    /// <summary>Appends a raw event (its wall time and step as given).</summary>
    /// <param name="e">The event.</param>
    public void WriteEvent(Event e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer.Write(e);
        }
    }

    /// <summary>Writes buffered events to the file so readers see them.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer.Flush();
            _file.Flush(flushToDisk: false);
        }
    }

    /// <summary>Flushes the file to disk and closes it. A write that fails throws at once; closing after it only releases the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            bool closed = false;
            try
            {
                _writer.Close(); // throws the earlier failure, if any, as the inner exception
                _file.Flush(flushToDisk: true);
                closed = true;
            }
            finally
            {
                if (closed) _file.Dispose();
                else DisposeAfterFailure();
            }
        }
    }

    /// <summary>Releases the file without letting its buffer's second failed write replace the first error.</summary>
    private void DisposeAfterFailure()
    {
        try
        {
            _file.Dispose();
        }
        catch (IOException)
        {
        }
    }

    private static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
