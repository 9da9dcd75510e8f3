// The Keras tutorial "Image classification with Vision Transformer" on CIFAR-sized images (issue 12, chapter 4):
//   dotnet run -c Release --project samples/VisionTransformer -- [--data DIR] [--test DIR] [--epochs N] [--batch-size N] [--save PATH]
// Images are cut into 4x4 patches (Patches), projected and given a class token and position embeddings
// (PatchEncoder), run through transformer blocks (TransformerBlock: LayerNormalization, MultiHeadAttention, a GELU
// MLP, residual adds) and classified from the class token. The custom layers are written as a user writes them
// (subclassed Layer, AddWeight, GetConfig, [KerasSerializable]); the default sizes are the small ViT of the peer
// benchmark (patch 4, dim 64, 4 heads, 4 blocks: 142,026 parameters). Without --data the data is synthetic.
using System.Diagnostics;
using System.Globalization;
using Pipeline.Models;
using Pipeline.Models.Losses;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

FiveWaysOptions options;
try
{
    options = FiveWaysOptions.Parse(args, takesWay: false);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"VisionTransformer: {e.Message}");
    Console.Error.WriteLine(FiveWaysOptions.Usage("VisionTransformer", takesWay: false));
    return 2;
}
manual_seed(42);
Pipeline.Models.Utils.SetRandomSeed(42);
var clock = Stopwatch.StartNew();
var (train, validation, test) = FiveWaysData.Load(options);
Console.WriteLine($"vision transformer: {train.X.shape[0]} training images, {validation.X.shape[0]} for validation, " +
                  $"{(options.TestDir is null ? "scoring on the validation part" : $"{test.X.shape[0]} test images")}; {options.Epochs} epochs, batch {options.BatchSize}");

using var model = VisionTransformerModel.Create();
model.Summary();
// The tutorial's optimizer and loss: AdamW (learning rate 1e-3, weight decay 1e-4) on logits.
model.Compile(new AdamW(learningRate: 1e-3, weightDecay: 1e-4), new SparseCategoricalCrossentropy(fromLogits: true), ["accuracy"]);
model.Fit(train.X, train.Y, validationData: validation, batchSize: options.BatchSize, epochs: options.Epochs);
double accuracy = model.Evaluate(test.X, test.Y, verbose: 0)["accuracy"];
Console.WriteLine($"test_accuracy: {accuracy.ToString("F4", CultureInfo.InvariantCulture)}");
if (options.SavePath is not null)
{
    // The custom layers are registered with [KerasSerializable]: the file restores into a fresh model that scores the same.
    model.Save(options.SavePath);
    using var restored = Models.LoadModel(options.SavePath);
    double again = restored.Evaluate(test.X, test.Y, verbose: 0)["accuracy"];
    Console.WriteLine($"saved: {options.SavePath}");
    Console.WriteLine($"restored test_accuracy: {again.ToString("F4", CultureInfo.InvariantCulture)}");
}
Console.WriteLine($"wall_time: {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)}s");
return 0;
