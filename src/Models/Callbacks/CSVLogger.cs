using System.Globalization;
using System.Text;

namespace Pipeline.Models.Callbacks;

/// <summary>
/// Streams epoch results to a CSV file (Keras's <c>keras.callbacks.CSVLogger</c>): a header <c>epoch,</c> followed by
/// the log names in sorted order (as Keras sorts them, e.g. <c>epoch,accuracy,loss,val_accuracy,val_loss</c>), then one
/// row per epoch with the zero-based epoch and the values; a value missing in some epoch is written <c>NA</c>.
/// </summary>
/// <remarks>
/// The file is written in place and flushed after every epoch (not via a temporary file) because, as in Keras, it is
/// a live log meant to be read while training runs. Lines end with CRLF like Python's csv module.
/// </remarks>
public sealed class CSVLogger : Callback
{
    StreamWriter? _writer;
    string[]? _keys;
    bool _writeHeader;

    /// <summary>Creates the callback.</summary>
    /// <param name="filename">The CSV file; its directory must exist.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="append">Append to an existing file (no second header if it is non-empty) instead of overwriting it.</param>
    /// <exception cref="ArgumentException">An empty file name or separator.</exception>
    public CSVLogger(string filename, string separator = ",", bool append = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filename);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        Filename = filename;
        Separator = separator;
        Append = append;
    }

    /// <summary>The CSV file.</summary>
    public string Filename { get; }

    /// <summary>The field separator.</summary>
    public string Separator { get; }

    /// <summary>Whether rows are appended to an existing file.</summary>
    public bool Append { get; }

    /// <summary>Opens (or creates) the file.</summary>
    /// <param name="logs">Unused.</param>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        Close();
        bool writeHeader = !(Append && File.Exists(Filename) && new FileInfo(Filename).Length > 0);
        var stream = new FileStream(Filename, Append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\r\n" };
        _keys = null;
        _writeHeader = writeHeader;
    }

    /// <summary>Writes the epoch's row (and the header after the first epoch) and flushes.</summary>
    /// <param name="epoch">Zero-based epoch, the first column.</param>
    /// <param name="logs">The epoch's logs.</param>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var writer = _writer ?? throw new InvalidOperationException("CSVLogger: OnEpochEnd before OnTrainBegin.");
        if (_keys is null)
        {
            // The columns are fixed by the first epoch's logs, as in Keras.
            _keys = [.. logs.Keys.Order(StringComparer.Ordinal)];
            if (_writeHeader) writer.WriteLine(string.Join(Separator, ["epoch", .. _keys]));
        }
        var row = new StringBuilder(epoch.ToString(CultureInfo.InvariantCulture));
        foreach (var key in _keys) row.Append(Separator).Append(logs.TryGetValue(key, out var v) ? Format(v) : "NA");
        writer.WriteLine(row.ToString());
        writer.Flush();
    }

    /// <summary>Closes the file.</summary>
    /// <param name="logs">Unused.</param>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => Close();

    /// <summary>Python's <c>str(float)</c>: shortest round-trip digits, with ".0" on whole numbers.</summary>
    static string Format(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E')) return text.Replace('E', 'e');
        return text.Contains('.') ? text : text + ".0";
    }

    void Close()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
