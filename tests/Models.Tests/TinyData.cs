using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>Small, quickly learnable image sets for tests.</summary>
internal static class TinyData
{
    /// <summary>
    /// (samples, 8, 8, 1) images in three classes: a bright top half (0), bright left half (1) or bright centre
    /// block (2), plus noise. Labels are int64.
    /// </summary>
    internal static (Tensor X, Tensor Y) Blocks(int samples, int seed)
    {
        var rng = new Random(seed);
        var x = new float[samples * 64];
        var y = new long[samples];
        for (int s = 0; s < samples; s++)
        {
            int label = s % 3;
            y[s] = label;
            for (int r = 0; r < 8; r++)
                for (int c = 0; c < 8; c++)
                {
                    bool on = label switch { 0 => r < 4, 1 => c < 4, _ => r is >= 2 and < 6 && c is >= 2 and < 6 };
                    x[s * 64 + r * 8 + c] = (on ? 0.8f : 0.1f) + (float)(rng.NextDouble() * 0.2 - 0.1);
                }
        }
        return (tensor(x, [samples, 8, 8, 1]), tensor(y, [samples]));
    }

    internal static Sequential SmallCnn(string? name = null) => new(
    [
        new Layers.Input([8, 8, 1]),
        new Layers.Conv2D(4, 3, padding: "same", activation: "relu"),
        new Layers.MaxPooling2D(2),
        new Layers.Flatten(),
        new Layers.Dense(3, activation: "softmax"),
    ], name ?? "sequential");
}
