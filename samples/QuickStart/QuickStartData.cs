using Pipeline.Models;

/// <summary>Training on a class-per-folder JPEG tree (CIFAR-10 layout).</summary>
internal static class QuickStartData
{
    public static History FitOnDirectory(Sequential model, QuickStartOptions options) =>
        throw new NotImplementedException("--data needs Pipeline.Image (pending merge).");
}
