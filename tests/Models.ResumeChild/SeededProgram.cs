using System.Globalization;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Models.Preprocessing;
using static TorchSharp.torch;

namespace Pipeline.Models.ResumeChild;

/// <summary>
/// A small training program with every kind of seedless random step (dataset shuffle, augmentation layers, dropout,
/// ImageDataGenerator, weight initialisation), run by Models.Tests' GlobalSeedTests as
/// <c>dotnet Models.ResumeChild.dll seeded-program SEED|none</c>: <c>Utils.SetRandomSeed(SEED)</c> unless "none", then
/// one line per step, "name: values".
/// </summary>
static class SeededProgram
{
    internal static void Run(string seed)
    {
        if (seed != "none") Utils.SetRandomSeed(int.Parse(seed, CultureInfo.InvariantCulture));

        // Sixteen distinct 4x4 images, so a flip or a rotation of any of them shows.
        using var images = arange(16 * 4 * 4, dtype: ScalarType.Float32).reshape(16, 4, 4, 1);
        using var labels = arange(16, dtype: ScalarType.Int64);

        var shuffled = Dataset.Range(16).Shuffle(16);
        using var flip = new RandomFlip("horizontal");
        using var rotation = new RandomRotation(0.2);
        using var dropout = new Dropout(0.5);
        using var ownSeed = new RandomFlip("horizontal", seed: 3);
        var generator = new ImageDataGenerator(rotationRange: 30, horizontalFlip: true);
        var flow = generator.Flow(images, labels, batchSize: 16, shuffle: true);

        Console.WriteLine($"shuffle: {string.Join(" ", shuffled)}");
        Console.WriteLine($"random flip: {FlippedImages(flip, images)}");
        using (var rotated = rotation.Apply(images, training: true)) Console.WriteLine($"random rotation: {Bits(rotated)}");
        using (var ones = ones_like(images))
        using (var dropped = dropout.Apply(ones, training: true))
            Console.WriteLine($"dropout: {Bits(dropped)}");
        var (batch, batchLabels) = flow.First();
        using (batch)
        using (batchLabels)
            Console.WriteLine($"image data generator: {string.Join(" ", batchLabels.data<long>().ToArray())} {Bits(batch)}");
        Console.WriteLine($"fit: {FitOnShuffledDataset(images, labels)}");
        Console.WriteLine($"random flip seed 3: {FlippedImages(ownSeed, images)}");
    }

    /// <summary>Which of the images the layer flipped, as 0/1 flags.</summary>
    static string FlippedImages(Layer layer, Tensor images)
    {
        using var output = layer.Apply(images, training: true);
        return string.Join("", Enumerable.Range(0, (int)images.shape[0]).Select(i =>
        {
            using var before = images[i];
            using var after = output[i];
            return after.allclose(before, rtol: 0, atol: 0) ? '0' : '1';
        }));
    }

    /// <summary>A model with initialisers, dropout and an augmentation layer, fitted for two epochs on a shuffled dataset; its weights' bits.</summary>
    static string FitOnShuffledDataset(Tensor images, Tensor labels)
    {
        var data = Dataset.FromTensorSlices(images, labels).Shuffle(16).Batch(4);
        using var model = new Sequential(
        [
            new Input([4, 4, 1]),
            new RandomFlip("horizontal_and_vertical"),
            new Flatten(),
            new Dense(8, activation: "relu"),
            new Dropout(0.3),
            new Dense(16, activation: "softmax"),
        ]);
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Fit(data, epochs: 2, verbose: 0);
        return string.Join(" ", model.Weights.Select(w => Bits(w.Value)));
    }

    /// <summary>A hash of a tensor's float bits: equal only for bit-identical values (up to hash collisions).</summary>
    static string Bits(Tensor t)
    {
        using var f32 = t.to(ScalarType.Float32);
        using var f = f32.contiguous();
        long hash = 17;
        foreach (var v in f.data<float>()) hash = hash * 31 + BitConverter.SingleToInt32Bits(v);
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}
