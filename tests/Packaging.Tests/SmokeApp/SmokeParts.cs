using System.IO;
using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Layers;
using Pipeline.Records;
using static TorchSharp.torch;

/// <summary>The part of the smoke test that uses our libraries, kept out of Main (see Program.cs).</summary>
static class SmokeParts
{
    public static void Run()
    {
        Console.WriteLine($"device: {Pipeline.Runtime.TorchRuntime.Device.type}");

        // Records: write two Examples, read them back through a Dataset, parse.
        var file = Path.Combine(Path.GetTempPath(), $"smoke-{Environment.ProcessId}.tfrecord");
        using (var writer = new TFRecordWriter(file))
        {
            writer.Write(Example.FromFeatures(("label", Feature.Int64(3)), ("x", Feature.Float(0.5f, 1.5f))));
            writer.Write(Example.FromFeatures(("label", Feature.Int64(7)), ("x", Feature.Float(2.5f, 3.5f))));
        }
        var spec = new Dictionary<string, FeatureSpec>
        {
            ["label"] = new FixedLenFeature([], FeatureType.Int64),
            ["x"] = new FixedLenFeature([2], FeatureType.Float32),
        };
        long labelSum = 0;
        foreach (var record in new TFRecordDataset(file))
        {
            using var parsed = ExampleParser.ParseSingleExample(record, spec);
            labelSum += parsed["label"].item<long>();
        }
        File.Delete(file);
        Console.WriteLine($"records label sum: {labelSum}");

        // Pipeline + Models: a tiny classifier fitted on a shuffled, batched dataset.
        using var x = rand(64, 4);
        using var y = (x.sum(1) > 2).to(int64);
        var dataset = Dataset.FromTensorSlices(x, y).Shuffle(bufferSize: 64, seed: 1).Batch(16);
        Console.WriteLine($"plan: {dataset}");
        var model = new Sequential([new Input([4]), new Dense(8, activation: "relu"), new Dense(2, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var history = model.Fit(dataset, epochs: 2, verbose: 0);
        var predictions = model.Predict(x, verbose: 0);
        Console.WriteLine($"history epochs: {history["loss"].Count}, predictions: ({string.Join(", ", predictions.shape)})");
    }
}
