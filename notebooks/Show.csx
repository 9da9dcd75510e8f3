// Inline pictures for the notebooks: a row of images and training curves, as HTML the notebook renders.
// Plain C# over the library's public API (Image.EncodePng, History), so it works in any .NET Interactive host.
using System.Globalization;
using System.Text;
using Microsoft.DotNet.Interactive;
using Pipeline.Models;
using static TorchSharp.torch;

static class Show
{
    /// <summary>Shows up to <paramref name="count"/> images of a (N, H, W, C) batch (uint8, or float in [0, 1]) with captions.</summary>
    public static void Images(Tensor batch, IReadOnlyList<string>? captions = null, int count = 8, int width = 96)
    {
        using var scope = NewDisposeScope();
        var pixels = batch.dtype == ScalarType.Byte ? batch : (batch.clamp(0, 1) * 255).round().to(ScalarType.Byte);
        var html = new StringBuilder("<div style=\"display:flex;flex-wrap:wrap;gap:6px\">");
        for (int i = 0; i < Math.Min(count, (int)batch.shape[0]); i++)
        {
            var png = Convert.ToBase64String(Pipeline.Image.EncodePng(pixels[i].contiguous()));
            var caption = captions is null || i >= captions.Count ? "" : captions[i];
            html.Append($"<figure style=\"margin:0;text-align:center\"><img width=\"{width}\" style=\"image-rendering:pixelated\" src=\"data:image/png;base64,{png}\"/><figcaption>{caption}</figcaption></figure>");
        }
        html.Append("</div>");
        Kernel.HTML(html.ToString()).Display();
    }

    /// <summary>Plots every series of a training history (loss and accuracy, training and validation) against the epoch.</summary>
    public static void Curves(History history) => Curves(history.Keys.ToDictionary(k => k, k => history[k]));

    /// <summary>Plots named per-epoch series: those with "loss" in their name in one chart, the others in a second.</summary>
    public static void Curves(IReadOnlyDictionary<string, IReadOnlyList<double>> history)
    {
        var keys = history.Keys.ToArray();
        var colours = new[] { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b" };
        var svg = new StringBuilder("<div style=\"display:flex;gap:16px\">");
        foreach (var group in keys.GroupBy(k => k.Contains("loss", StringComparison.Ordinal) ? "loss" : "accuracy"))
        {
            var series = group.ToArray();
            double max = series.SelectMany(k => history[k]).Max(), min = Math.Min(0, series.SelectMany(k => history[k]).Min());
            int n = series.Max(k => history[k].Count);
            const int W = 320, H = 200, Pad = 30;
            string X(int i) => (Pad + (n == 1 ? 0 : i * (W - 2 * Pad) / (double)(n - 1))).ToString("F1", CultureInfo.InvariantCulture);
            string Y(double v) => (H - Pad - (v - min) / (max - min == 0 ? 1 : max - min) * (H - 2 * Pad)).ToString("F1", CultureInfo.InvariantCulture);
            svg.Append($"<svg width=\"{W}\" height=\"{H}\" style=\"font:11px sans-serif\"><text x=\"{Pad}\" y=\"14\">{group.Key} by epoch (max {max.ToString("G3", CultureInfo.InvariantCulture)})</text>");
            svg.Append($"<line x1=\"{Pad}\" y1=\"{H - Pad}\" x2=\"{W - Pad}\" y2=\"{H - Pad}\" stroke=\"#999\"/><line x1=\"{Pad}\" y1=\"{Pad}\" x2=\"{Pad}\" y2=\"{H - Pad}\" stroke=\"#999\"/>");
            for (int s = 0; s < series.Length; s++)
            {
                var points = string.Join(' ', history[series[s]].Select((v, i) => $"{X(i)},{Y(v)}"));
                svg.Append($"<polyline fill=\"none\" stroke=\"{colours[s % colours.Length]}\" stroke-width=\"2\" points=\"{points}\"/>");
                svg.Append($"<text x=\"{W - Pad - 90}\" y=\"{30 + 14 * s}\" fill=\"{colours[s % colours.Length]}\">{series[s]}</text>");
            }
            svg.Append("</svg>");
        }
        svg.Append("</div>");
        Kernel.HTML(svg.ToString()).Display();
    }
}
