using System.Text.RegularExpressions;

namespace Pipeline;

/// <summary>
/// <c>tf.io.gfile.glob</c>'s patterns: <c>*</c> and <c>?</c> within one path segment, <c>[abc]</c> classes, and
/// <c>**</c> for any number of directories. Matches are returned sorted (ordinal) like TF.
/// </summary>
static class Glob
{
    internal static string[] Expand(string pattern)
    {
        var full = Path.GetFullPath(pattern);
        var firstWild = full.IndexOfAny(['*', '?', '[']);
        if (firstWild < 0) return File.Exists(full) ? [full] : [];
        var root = Path.GetDirectoryName(full[..(full.LastIndexOf(Path.DirectorySeparatorChar, firstWild) + 1)])!;
        if (!Directory.Exists(root)) return [];
        var regex = new Regex("^" + ToRegex(full) + "$", RegexOptions.CultureInvariant);
        var recursive = full.Contains("**", StringComparison.Ordinal) || full[firstWild..].Contains(Path.DirectorySeparatorChar);
        var candidates = Directory.EnumerateFiles(root, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly);
        return [.. candidates.Where(f => regex.IsMatch(f)).Order(StringComparer.Ordinal)];
    }

    static string ToRegex(string pattern)
    {
        var sep = Regex.Escape(Path.DirectorySeparatorChar.ToString());
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                sb.Append(".*");
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == Path.DirectorySeparatorChar) { sb.Append($"(?:{sep})?"); i++; }
            }
            else if (c == '*') sb.Append($"[^{sep}]*");
            else if (c == '?') sb.Append($"[^{sep}]");
            else if (c == '[')
            {
                var end = pattern.IndexOf(']', i + 1);
                if (end < 0) { sb.Append(Regex.Escape("[")); continue; }
                var cls = pattern[(i + 1)..end];
                sb.Append('[').Append(cls.StartsWith('!') ? "^" + cls[1..] : cls).Append(']');
                i = end;
            }
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }
}
