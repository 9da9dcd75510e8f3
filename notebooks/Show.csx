// Inline pictures for the notebooks: the library's PNG pictures (Pipeline.Models.Pictures) shown in the notebook.
// Plain C# over the library's public API, so it works in any .NET Interactive host; the same pictures a sample saves
// as files (Pictures.ImageGrid, AugmentationGrid, TrainingCurves) appear here inline.
using System.IO;
using Microsoft.DotNet.Interactive;
using Pipeline.Models;
using static TorchSharp.torch;

static class Show
{
    /// <summary>Shows PNG bytes inline, e.g. what a Pictures method returned or a file a sample wrote.</summary>
    public static void Png(byte[] png, int? width = null) =>
        Kernel.HTML($"<img{(width is int w ? $" width=\"{w}\"" : "")} src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"/>").Display();

    /// <summary>Shows a PNG file inline.</summary>
    public static void Png(string path, int? width = null) => Png(File.ReadAllBytes(path), width);

    /// <summary>Shows the first <paramref name="count"/> images of a (N, H, W, C) batch (uint8, or float in [0, 1]) in one row, with captions.</summary>
    public static void Images(Tensor batch, IReadOnlyList<string>? captions = null, int count = 8, int width = 96)
    {
        int n = (int)Math.Min(count, batch.shape[0]);
        using var first = batch.narrow(0, 0, n);
        Png(Pictures.ImageGrid(first, captions?.Take(n).ToList(), columns: n, scale: Math.Max(1, width / (int)batch.shape[2])));
    }

    /// <summary>Plots a training history: one panel per metric, training against validation by epoch.</summary>
    public static void Curves(History history) => Png(Pictures.TrainingCurves(history, width: 900, height: 320));

    /// <summary>Plots named per-epoch series ("loss", "val_loss", "test_accuracy", ...), one panel per metric.</summary>
    public static void Curves(IReadOnlyDictionary<string, IReadOnlyList<double>> history) => Png(Pictures.TrainingCurves(history, width: 900, height: 320));
}
