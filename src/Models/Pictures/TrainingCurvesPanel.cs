namespace Pipeline.Models;

/// <summary>
/// One panel of <see cref="Pictures.TrainingCurves(History, string?, int, int)"/>: a metric's training series with
/// its <c>val_</c> (and <c>test_</c>) counterparts, drawn by ScottPlot.
/// </summary>
sealed class TrainingCurvesPanel(string metric, IReadOnlyList<string> keys)
{
    // matplotlib's first colours (C0, C1, C2): the tutorials' training and validation lines, then a test line.
    internal static readonly string[] Prefixes = ["", "val_", "test_"];
    internal static readonly ScottPlot.Color[] Colours =
        [ScottPlot.Color.FromHex("#1f77b4"), ScottPlot.Color.FromHex("#ff7f0e"), ScottPlot.Color.FromHex("#2ca02c")];

    /// <summary>The metric the panel shows, e.g. "accuracy" or "loss".</summary>
    internal string Metric { get; } = metric;

    /// <summary>Pairs each series with its <c>val_</c> and <c>test_</c> counterparts; metrics first, loss last, as in the tutorials' figure.</summary>
    internal static IReadOnlyList<TrainingCurvesPanel> Group(IReadOnlyDictionary<string, IReadOnlyList<double>> history)
    {
        static string MetricOf(string key) =>
            Prefixes.Skip(1).FirstOrDefault(p => key.StartsWith(p, StringComparison.Ordinal) && key.Length > p.Length) is { } prefix
                ? key[prefix.Length..] : key;
        var metrics = history.Keys.Select(MetricOf).Distinct().ToList();
        // Loss last; the rest keep the order they were logged in.
        metrics = [.. metrics.Where(m => m != "loss"), .. metrics.Where(m => m == "loss")];
        return [.. metrics.Select(m => new TrainingCurvesPanel(m, [.. Prefixes.Select(p => p + m)]))];
    }

    /// <summary>The panel as a PNG of the given size.</summary>
    internal byte[] Render(IReadOnlyDictionary<string, IReadOnlyList<double>> history, int width, int height)
    {
        var plot = new ScottPlot.Plot();
        if (PictureFonts.RegisterWithScottPlot()) plot.Font.Set(PictureFonts.FamilyName);
        var drawn = new List<string>();
        for (int i = 0; i < keys.Count; i++)
            if (history.TryGetValue(keys[i], out var values) && values.Count > 0)
            {
                Add(plot, values, keys[i], Colours[i]);
                drawn.Add(i == 0 ? "training" : keys[i][..^(Metric.Length + 1)].Replace("val", "validation", StringComparison.Ordinal));
            }
        plot.Title(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{char.ToUpperInvariant(drawn[0][0])}{drawn[0][1..]}{string.Concat(drawn.Skip(1).Select((d, i) => (i == drawn.Count - 2 ? " and " : ", ") + d))} {Metric}"));
        plot.XLabel("epoch");
        plot.YLabel(Metric);
        // Where the tutorials put them: a falling loss leaves the upper right free, a rising metric the lower right.
        plot.ShowLegend(Metric.Contains("loss", StringComparison.Ordinal) ? ScottPlot.Alignment.UpperRight : ScottPlot.Alignment.LowerRight);
        // Whole epochs only on the x axis: a run of 3 epochs should not show ticks at 1.5 and 2.5.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }

    static void Add(ScottPlot.Plot plot, IReadOnlyList<double> values, string label, ScottPlot.Color colour)
    {
        // Epochs count from 1, as Fit's progress lines do ("Epoch 1/10").
        var xs = Enumerable.Range(1, values.Count).Select(e => (double)e).ToArray();
        var series = plot.Add.Scatter(xs, values.ToArray(), colour);
        series.LegendText = label;
        series.LineWidth = 2;
        series.MarkerSize = 6;
    }
}
