using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Pipeline.Models.Training;

/// <summary>
/// Keras 2's Progbar: <c>&#160;12/782 [&gt;.....] - ETA: 25s - loss: 1.9 - accuracy: 0.31</c>, redrawn in place
/// on a terminal; when output is redirected only the final line of each epoch is written.
/// </summary>
internal sealed class ProgressBar
{
    const int Width = 30;
    const double Interval = 0.05;
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    readonly int? _target;
    readonly int _verbose;
    readonly TextWriter _writer;
    readonly bool _dynamic;
    readonly string _unit;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    double? _timeAfterFirstUnit;
    double _lastUpdate = double.NegativeInfinity;
    int _previousWidth;

    public ProgressBar(int? target, int verbose, TextWriter writer, bool dynamic, string unit = "step")
    {
        _target = target;
        _verbose = verbose;
        _writer = writer;
        _dynamic = dynamic;
        _unit = unit;
    }

    /// <summary>Reports <paramref name="current"/> finished steps and the running values; <paramref name="finalize"/> ends the line.</summary>
    public void Update(int current, IReadOnlyList<KeyValuePair<string, double>> values, bool finalize = false)
    {
        if (_verbose == 0) return;
        double now = _clock.Elapsed.TotalSeconds;
        if (current == 1 && _timeAfterFirstUnit is null) _timeAfterFirstUnit = now;
        double perUnit = current <= 0 ? 0
            : _timeAfterFirstUnit is double t1 && current > 1 ? (now - t1) / (current - 1)
            : now / current;

        if (_verbose == 1)
        {
            if (!finalize && (!_dynamic || now - _lastUpdate < Interval)) return;
            _lastUpdate = now;
            var line = new StringBuilder();
            line.Append(Counter(current));
            if (_target is int target)
            {
                int filled = (int)(Width * Math.Min(1.0, (double)current / target));
                line.Append(" [");
                if (filled > 0)
                {
                    line.Append('=', filled - 1);
                    line.Append(current < target ? '>' : '=');
                }
                line.Append('.', Width - filled).Append(']');
            }
            if (_target is int t && !finalize && current < t)
                line.Append(" - ETA: ").Append(FormatEta(perUnit * (t - current)));
            else
                line.Append(" - ").Append(now.ToString("F0", Invariant)).Append('s').Append(FormatTime(perUnit));
            AppendValues(line, values);

            if (_dynamic)
            {
                int width = line.Length;
                if (width < _previousWidth) line.Append(' ', _previousWidth - width);
                _previousWidth = width;
                _writer.Write('\r');
                _writer.Write(line.ToString());
                if (finalize) _writer.Write('\n');
            }
            else
            {
                _writer.Write(line.ToString());
                _writer.Write('\n');
            }
            _writer.Flush();
        }
        else if (_verbose == 2 && finalize)
        {
            var line = new StringBuilder();
            line.Append(Counter(current)).Append(" - ").Append(now.ToString("F0", Invariant)).Append('s');
            AppendValues(line, values);
            line.Append(" - ").Append(now.ToString("F0", Invariant)).Append("s/epoch -").Append(FormatTime(perUnit));
            _writer.Write(line.ToString());
            _writer.Write('\n');
            _writer.Flush();
        }
    }

    string Counter(int current)
    {
        if (_target is not int target) return current.ToString(Invariant).PadLeft(7) + "/Unknown";
        int digits = (int)Math.Floor(Math.Log10(Math.Max(target, 1))) + 1;
        return current.ToString(Invariant).PadLeft(digits) + "/" + target.ToString(Invariant);
    }

    static void AppendValues(StringBuilder line, IReadOnlyList<KeyValuePair<string, double>> values)
    {
        foreach (var (key, value) in values)
            line.Append(" - ").Append(key).Append(": ").Append(FormatValue(value));
    }

    internal static string FormatValue(double value) =>
        Math.Abs(value) > 1e-3 ? value.ToString("F4", Invariant) : PythonExponent(value);

    // Python's "%.4e" writes a signed, at least two-digit exponent: 1.2340e-04.
    static string PythonExponent(double value) => value.ToString("0.0000e+00", Invariant);

    string FormatTime(double perUnit) =>
        perUnit >= 1 || perUnit == 0 ? $" {perUnit.ToString("F0", Invariant)}s/{_unit}"
        : perUnit >= 1e-3 ? $" {(perUnit * 1e3).ToString("F0", Invariant)}ms/{_unit}"
        : $" {(perUnit * 1e6).ToString("F0", Invariant)}us/{_unit}";

    static string FormatEta(double eta)
    {
        int seconds = (int)eta;
        return eta > 3600 ? $"{seconds / 3600}:{seconds % 3600 / 60:00}:{seconds % 60:00}"
            : eta > 60 ? $"{seconds / 60}:{seconds % 60:00}"
            : $"{seconds}s";
    }
}
