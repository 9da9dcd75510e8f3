using SkiaSharp;

namespace Pipeline.Models;

/// <summary>
/// The typeface of the pictures' captions, titles and axes. Our SkiaSharp native build (NoDependencies, chosen so no
/// fontconfig is needed) has no system font manager on Linux: its default typeface has no glyphs and text would
/// silently vanish. So we look for a font file ourselves, the way matplotlib ships DejaVu Sans.
/// </summary>
static class PictureFonts
{
    /// <summary>The family name ScottPlot knows our font file by.</summary>
    internal const string FamilyName = "Pipeline Pictures Sans";

    static readonly Lazy<SKTypeface?> _typeface = new(Load);
    static readonly Lock _scottPlotGate = new();
    static bool _registeredWithScottPlot;

    /// <summary>A typeface with glyphs, or null when the machine has no usable font (captions are then left out, once said).</summary>
    internal static SKTypeface? Typeface => _typeface.Value;

    /// <summary>Makes <see cref="FamilyName"/> known to ScottPlot (its font registry is process-wide); false when there is no font file.</summary>
    internal static bool RegisterWithScottPlot()
    {
        lock (_scottPlotGate)
        {
            if (_registeredWithScottPlot) return true;
            if (FontFile is not { } file) return false;
            ScottPlot.Fonts.AddFontFile(FamilyName, file);
            _registeredWithScottPlot = true;
            return true;
        }
    }

    static readonly Lazy<string?> _fontFile = new(FindFontFile);

    internal static string? FontFile => _fontFile.Value;

    static SKTypeface? Load()
    {
        // Windows and macOS builds of SkiaSharp have a working system font manager: use its default when it has glyphs.
        var system = SKTypeface.Default;
        if (system.GlyphCount > 0) return system;
        if (FontFile is { } file && SKTypeface.FromFile(file) is { GlyphCount: > 0 } fromFile) return fromFile;
        Pipeline.Runtime.TorchRuntime.Log("Pictures: no font file was found (looked for DejaVu Sans, Liberation Sans, Arial " +
            "and any .ttf under the usual font folders); pictures are drawn without their text. On Debian/Ubuntu: apt-get install fonts-dejavu-core.");
        return null;
    }

    static string? FindFontFile()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string[] folders =
        [
            "/usr/share/fonts", "/usr/local/share/fonts", Path.Combine(home, ".local/share/fonts"), Path.Combine(home, ".fonts"),
            "/System/Library/Fonts", "/Library/Fonts", Environment.GetFolderPath(Environment.SpecialFolder.Fonts),
        ];
        string[] preferred = ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf", "NotoSans-Regular.ttf"];
        var files = new List<string>();
        foreach (var folder in folders)
        {
            if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder)) continue;
            try { files.AddRange(Directory.EnumerateFiles(folder, "*.ttf", SearchOption.AllDirectories)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* an unreadable folder: try the next */ }
        }
        foreach (var name in preferred)
            if (files.FirstOrDefault(f => Path.GetFileName(f) == name) is { } match) return match;
        // Any regular upright face beats none; sorted so every run picks the same one.
        return files.Where(f => !Path.GetFileNameWithoutExtension(f).Contains("Bold", StringComparison.OrdinalIgnoreCase)
                                && !Path.GetFileNameWithoutExtension(f).Contains("Italic", StringComparison.OrdinalIgnoreCase)
                                && !Path.GetFileNameWithoutExtension(f).Contains("Oblique", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).FirstOrDefault();
    }
}
