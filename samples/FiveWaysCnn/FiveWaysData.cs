using Pipeline;
using Pipeline.Models;
using static TorchSharp.torch;

/// <summary>
/// The data: a class-per-folder image tree (--data) with 10% held out for validation, and optionally a separate test
/// tree (--test); without --data, a small synthetic CIFAR-shaped set, the same in every process.
/// </summary>
internal static class FiveWaysData
{
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Validation, (Tensor X, Tensor Y) Test) Load(FiveWaysOptions options)
    {
        var (x, y) = options.DataDir is null ? Synthetic(3000, seed: 1) : FromDirectory(options.DataDir);
        long n = x.shape[0], held = Math.Max(1, n / 10);
        using var order = randperm(n, generator: new TorchSharp.torch.Generator(42));
        var shuffledX = x.index_select(0, order);
        var shuffledY = y.index_select(0, order);
        var train = (shuffledX.narrow(0, 0, n - held), shuffledY.narrow(0, 0, n - held));
        var validation = (shuffledX.narrow(0, n - held, held), shuffledY.narrow(0, n - held, held));
        var test = options.TestDir is null ? validation : FromDirectory(options.TestDir);
        return (train, validation, test);
    }

    static (Tensor X, Tensor Y) FromDirectory(string directory)
    {
        // FiveWaysOptions has checked that the folder holds FiveWaysOptions.Classes class folders.
        var dataset = Utils.ImageDatasetFromDirectory(directory, imageSize: (32, 32), batchSize: 256, shuffle: false);
        var xs = new List<Tensor>();
        var ys = new List<Tensor>();
        foreach (var (images, labels) in dataset)
        {
            xs.Add(images.to_type(ScalarType.Float32).div_(255.0));
            ys.Add(labels.to_type(ScalarType.Int64));
        }
        return (cat(xs, 0), cat(ys, 0));
    }

    /// <summary>Ten classes of coloured blocks at class-specific places on noise, 32x32x3 in [0, 1].</summary>
    static (Tensor X, Tensor Y) Synthetic(int count, int seed)
    {
        var pixels = new float[count * 32 * 32 * 3];
        var labels = new long[count];
        var random = new Random(seed);   // an explicit seed: the same sequence in every process
        for (int i = 0; i < count; i++)
        {
            int label = i % 10;
            labels[i] = label;
            int top = label / 5 * 14 + random.Next(4), left = label % 5 * 6 + random.Next(3);
            for (int r = 0; r < 32; r++)
                for (int c = 0; c < 32; c++)
                    for (int ch = 0; ch < 3; ch++)
                    {
                        bool inside = r >= top && r < top + 12 && c >= left && c < left + 6;
                        float value = (float)(random.NextDouble() * 0.5) + (inside ? 0.4f + 0.1f * ((label + ch) % 3) : 0f);
                        pixels[((i * 32 + r) * 32 + c) * 3 + ch] = Math.Min(1f, value);
                    }
        }
        return (tensor(pixels, [count, 32, 32, 3]), tensor(labels));
    }
}
