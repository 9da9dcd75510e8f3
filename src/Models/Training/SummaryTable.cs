using System.Globalization;
using System.Text;
using Pipeline.Models.Layers;

namespace Pipeline.Models.Training;

/// <summary>
/// Keras 2's <c>print_summary</c>. Sequential-like models (a Sequential, a subclassed model, a functional chain): 65
/// columns, fields at 29 / 55 / 65. Other functional models: 98 columns, fields at 32 / 53 / 65 / 98 with Keras's
/// "Connected to" column. Long cells wrap as Keras wraps them.
/// </summary>
internal static class SummaryTable
{
    internal static IEnumerable<string> Lines(Model model)
    {
        var graph = model.Graph;
        bool sequentialLike = model is Sequential || graph is null || graph.IsSequentialLike;
        int lineLength = sequentialLike ? 65 : 98;
        int[] positions = sequentialLike ? [29, 55, 65] : [32, 53, 65, 98];
        string[] headers = sequentialLike ? ["Layer (type)", "Output Shape", "Param #"] : ["Layer (type)", "Output Shape", "Param #", "Connected to"];
        var relevant = graph is null ? null : new HashSet<Node>(graph.AllNodes, ReferenceEqualityComparer.Instance);

        yield return $"Model: \"{model.Name}\"";
        yield return new string('_', lineLength);
        foreach (var line in Row(headers, positions)) yield return line;
        yield return new string('=', lineLength);
        var layers = model.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var fields = new List<string>
            {
                $"{layer.Name} ({layer.KerasClassName})",
                OutputShape(layer, graph is null),
                layer.CountParams().ToString(CultureInfo.InvariantCulture),
            };
            if (!sequentialLike)
            {
                var connections = layer.InboundNodes.Where(n => relevant!.Contains(n))
                    .SelectMany(n => n.InboundHistory)
                    .Select(h => $"'{h.Layer.Name}[{h.NodeIndex}][{h.TensorIndex}]'");
                fields.Add("[" + string.Join(", ", connections) + "]");
            }
            foreach (var line in Row([.. fields], positions)) yield return line;
            yield return new string(' ', lineLength);
        }
        yield return new string('=', lineLength);
        long total = model.CountParams();
        long trainable = model.TrainableWeights.Sum(w => w.Shape.Aggregate(1L, (a, b) => a * b));
        yield return $"Total params: {total.ToString("N0", CultureInfo.InvariantCulture)}";
        yield return $"Trainable params: {trainable.ToString("N0", CultureInfo.InvariantCulture)}";
        yield return $"Non-trainable params: {(total - trainable).ToString("N0", CultureInfo.InvariantCulture)}";
        yield return new string('_', lineLength);
    }

    /// <summary>
    /// Keras 2's <c>layer.output_shape</c>: an InputLayer's is a list, "[(None, 32, 32, 3)]"; a layer applied with
    /// different output shapes, or only eagerly (inside a subclassed model), shows "multiple".
    /// </summary>
    static string OutputShape(Layer layer, bool subclassed)
    {
        if (subclassed || layer.InboundNodes.Count == 0) return "multiple";
        var shapes = layer.InboundNodes.Select(n => string.Join(", ", n.Outputs.Select(t => Layer.ShapeText(t.Shape)))).Distinct().ToArray();
        if (shapes.Length > 1) return "multiple";
        var outputs = layer.InboundNodes[0].Outputs;
        return layer is Input || outputs.Count > 1 ? "[" + shapes[0] + "]" : shapes[0];
    }

    /// <summary>Keras's print_row: each cell cut to its column less two spaces, the rest wrapped onto further lines.</summary>
    static IEnumerable<string> Row(string[] fields, int[] positions)
    {
        var left = fields.ToArray();
        while (left.Any(f => f.Length > 0))
        {
            var line = new StringBuilder();
            for (int col = 0; col < left.Length; col++)
            {
                int start = col > 0 ? positions[col - 1] : 0;
                int end = positions[col];
                int space = col != positions.Length - 1 ? 2 : 0;
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
