using System.Globalization;
using System.Text;
using Pipeline.Models.Layers;

namespace Pipeline.Models.Training;

/// <summary>Keras 2's <c>print_summary</c> for sequential models: 65 columns, fields at 29 / 55 / 65, long cells wrapped.</summary>
internal static class SummaryTable
{
    const int LineLength = 65;
    static readonly int[] Positions = [29, 55, 65];

    internal static IEnumerable<string> Lines(Model model)
    {
        yield return $"Model: \"{model.Name}\"";
        yield return new string('_', LineLength);
        foreach (var line in Row(["Layer (type)", "Output Shape", "Param #"])) yield return line;
        yield return new string('=', LineLength);
        foreach (var layer in model.Layers)
        {
            var fields = new[]
            {
                $"{layer.Name} ({layer.GetType().Name})",
                Layer.ShapeText(layer.OutputShape!),
                layer.CountParams().ToString(CultureInfo.InvariantCulture),
            };
            foreach (var line in Row(fields)) yield return line;
            yield return new string(' ', LineLength);
        }
        yield return new string('=', LineLength);
        long total = model.CountParams();
        yield return $"Total params: {total.ToString("N0", CultureInfo.InvariantCulture)}";
        yield return $"Trainable params: {total.ToString("N0", CultureInfo.InvariantCulture)}";
        yield return "Non-trainable params: 0";
        yield return new string('_', LineLength);
    }

    /// <summary>Keras's print_row: each cell cut to its column less two spaces, the rest wrapped onto further lines.</summary>
    static IEnumerable<string> Row(string[] fields)
    {
        var left = fields.ToArray();
        while (left.Any(f => f.Length > 0))
        {
            var line = new StringBuilder();
            for (int col = 0; col < left.Length; col++)
            {
                int start = col > 0 ? Positions[col - 1] : 0;
                int end = Positions[col];
                int space = col != Positions.Length - 1 ? 2 : 0;
                int cutoff = Math.Min(end - start - space, left[col].Length);
                var fit = left[col][..cutoff];
                // Keras breaks after "),", "},", "],", "'," when one occurs within the cell.
                var breaks = new[] { "),", "},", "],", "'," }
                    .Select(b => fit.IndexOf(b, StringComparison.Ordinal) is int i && i >= 0 ? i + b.Length : -1)
                    .Where(i => i >= 0).ToArray();
                if (breaks.Length > 0)
                {
                    cutoff = breaks.Min();
                    fit = fit[..cutoff];
                }
                if (col == 0) line.Append(' ');
                line.Append(fit);
                line.Append(' ', space);
                left[col] = left[col][cutoff..];
                if (line.Length < end) line.Append(' ', end - line.Length);
            }
            yield return line.ToString();
        }
    }
}
