using System.Globalization;
using System.Text;

namespace Pipeline.Models.Saving;

/// <summary>
/// Fills a checkpoint file name template the way Keras's <c>filepath.format(epoch=..., **logs)</c> does, with the
/// Python format specs checkpoint names use: <c>{epoch:02d}</c>, <c>{val_loss:.2f}</c>, <c>{loss:.3e}</c>,
/// <c>{accuracy:.4g}</c>, <c>{epoch}</c>, and <c>{{</c>/<c>}}</c> for literal braces.
/// </summary>
internal static class FilepathTemplate
{
    /// <summary>True when <paramref name="template"/> has at least one placeholder.</summary>
    public static bool HasPlaceholders(string template) => template.Replace("{{", "").Contains('{');

    /// <summary>The file name for <paramref name="values"/> (epoch and batch as integers, logs as doubles).</summary>
    /// <exception cref="ArgumentException">A placeholder names a value that is not there, or its format spec is not supported.</exception>
    public static string Format(string template, IReadOnlyDictionary<string, object> values)
    {
        var result = new StringBuilder(template.Length + 16);
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{') { result.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}') { result.Append('}'); i++; continue; }
            if (c != '{') { result.Append(c); continue; }
            int end = template.IndexOf('}', i);
            if (end < 0) throw Bad(template, "an opening '{' has no closing '}'");
            var field = template[(i + 1)..end];
            var colon = field.IndexOf(':');
            var key = colon < 0 ? field : field[..colon];
            var spec = colon < 0 ? "" : field[(colon + 1)..];
            if (!values.TryGetValue(key, out var value))
                throw Bad(template, $"'{key}' is not available; available: {string.Join(", ", values.Keys)}");
            result.Append(FormatValue(value, spec, template));
            i = end;
        }
        return result.ToString();
    }

    static string FormatValue(object value, string spec, string template)
    {
        var inv = CultureInfo.InvariantCulture;
        if (spec.Length == 0)
            return value switch
            {
                double d => PythonRepr(d),
                IFormattable f => f.ToString(null, inv),
                _ => value.ToString() ?? "",
            };
        char type = spec[^1];
        var body = spec[..^1];
        bool zeroPad = body.StartsWith('0');
        int precision = -1;
        var dot = body.IndexOf('.');
        if (dot >= 0)
        {
            if (!int.TryParse(body[(dot + 1)..], NumberStyles.None, inv, out precision)) throw Bad(template, $"format spec '{spec}' is not supported");
            body = body[..dot];
        }
        int width = 0;
        if (body.Length > 0 && !int.TryParse(body, NumberStyles.None, inv, out width)) throw Bad(template, $"format spec '{spec}' is not supported");
        double number = Convert.ToDouble(value, inv);
        string text = type switch
        {
            'd' when value is int or long => Convert.ToInt64(value, inv).ToString(inv),
            'd' => throw Bad(template, $"format 'd' needs an integer, got {number.ToString(inv)}"),
            'f' => number.ToString("F" + (precision < 0 ? 6 : precision), inv),
            'e' => PythonExponent(number.ToString((precision < 0 ? "0.000000" : "0." + new string('0', precision)) + "e+00", inv)),
            'g' => number.ToString("G" + (precision < 0 ? 6 : Math.Max(precision, 1)), inv).Replace("E+0", "e+0").Replace("E-0", "e-0").Replace("E", "e"),
            _ => throw Bad(template, $"format spec '{spec}' is not supported (use d, f, e or g)"),
        };
        if (text.Length >= width) return text;
        if (!zeroPad) return text.PadLeft(width);
        bool negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        return (negative ? "-" : "") + digits.PadLeft(width - (negative ? 1 : 0), '0');
    }

    // .NET's "0.00e+00" already gives Python's two-digit exponent.
    static string PythonExponent(string text) => text;

    static string PythonRepr(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 1e16 ? d.ToString("F1", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);

    static ArgumentException Bad(string template, string reason) =>
        new($"Failed to format this callback filepath: \"{template}\". Reason: {reason}.", "filepath");
}
