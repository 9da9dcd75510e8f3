using System.Diagnostics;
using Pipeline;
using Pipeline.Models;
using Pipeline.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// How long the tutorial CNN's training step waits on the input pipeline: a plain TorchSharp training loop of the
/// QuickStart model (Conv2D 32 -> pool -> Conv2D 64 -> pool -> Dense 256 -> Dense 10, Adam, batch 64) fed by a
/// prefetching Dataset; the time spent in MoveNext is the wait.
/// </summary>
static class PipelineBenchTraining
{
    internal static void WaitFraction(int steps)
    {
        Console.WriteLine();
        Console.WriteLine($"[4] training-loop wait on the input pipeline: tutorial CNN, batch 64, {steps} steps");
        var ds = TrainingInput(steps * 64, out var x, out var y);
        using var _x = x;
        using var _y = y;
        Console.WriteLine($"  pipeline: {ds}");

        var model = nn.Sequential(
            ("conv1", nn.Conv2d(3, 32, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(32, 64, 3, padding: 1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()), ("dense1", nn.Linear(4096, 256)), ("relu3", nn.ReLU()), ("dense2", nn.Linear(256, 10)));
        var optimizer = torch.optim.Adam(model.parameters());
        var loss = nn.CrossEntropyLoss();

        var wait = TimeSpan.Zero;
        var total = Stopwatch.StartNew();
        var done = 0;
        using (var e = ds.GetEnumerator())
        {
            while (true)
            {
                var w = Stopwatch.StartNew();
                if (!e.MoveNext()) break;
                wait += w.Elapsed;
                var (images, labels) = e.Current;
                using (var scope = torch.NewDisposeScope())
                {
                    using var nchw = images.permute(0, 3, 1, 2);
                    optimizer.zero_grad();
                    var output = loss.forward(model.forward(nchw), labels);
                    output.backward();
                    optimizer.step();
                }
                images.Dispose();
                labels.Dispose();
                done++;
            }
        }
        total.Stop();
        PipelineBench.Report("steps", done, "");
        PipelineBench.Report("time per step", total.Elapsed.TotalMilliseconds / done, "ms");
        PipelineBench.Report("time waiting for the next batch per step", wait.TotalMilliseconds / done, "ms");
        PipelineBench.Report("fraction of step time waiting on input (first batch included)", 100 * wait / total.Elapsed, "%");
    }

    static Tensor Augment(Tensor images)
    {
        var f = images.to(ScalarType.Float32).div_(255);
        using var flip = torch.rand(images.shape[0]).lt(0.5).view(-1, 1, 1, 1);
        return torch.where(flip, f.flip(2), f);
    }

    /// <summary>
    /// The same question through the library itself: the QuickStart model built with Pipeline.Models and trained with
    /// <c>Model.Fit(dataset)</c>; a pass-through last step adds up the time Fit spends waiting for each batch.
    /// </summary>
    internal static void FitWaitFraction(int steps, int epochs)
    {
        Console.WriteLine();
        Console.WriteLine($"[4b] Model.Fit(dataset) wait on the input pipeline: QuickStart CNN, batch 64, {steps} steps x {epochs} epochs");
        var pipeline = TrainingInput(steps * 64, out var x, out var y);
        using var _x = x;
        using var _y = y;
        var probe = new PipelineBenchWaitProbe<(Tensor, Tensor)>(pipeline);
        Console.WriteLine($"  pipeline: {pipeline}");

        using var model = CnnBench.TutorialModel();
        var clock = Stopwatch.StartNew();
        model.Fit(probe, epochs: epochs, verbose: 0);
        clock.Stop();
        var batches = probe.Elements;
        PipelineBench.Report("steps", batches, "");
        PipelineBench.Report("time per step (Fit, all epochs)", clock.Elapsed.TotalMilliseconds / batches, "ms");
        PipelineBench.Report("time Fit waited for the next batch per step", probe.Waited.TotalMilliseconds / batches, "ms");
        PipelineBench.Report("fraction of Fit's step time waiting on input (first batch of each epoch included)", 100 * probe.Waited / clock.Elapsed, "%");
    }

    /// <summary>The QuickStart input pipeline over <paramref name="n"/> random images; the caller keeps x and y alive.</summary>
    static Dataset<(Tensor, Tensor)> TrainingInput(int n, out Tensor x, out Tensor y)
    {
        x = torch.randint(0, 256, [n, 32, 32, 3], dtype: ScalarType.Byte);
        y = torch.randint(0, 10, [n], dtype: ScalarType.Int64);
        return Dataset.FromTensorSlices(x, y)
            .Shuffle(n, seed: 1)
            .Batch(64)
            .Map((img, label) => (Augment(img), label), numParallelCalls: Dataset.Autotune)
            .Prefetch();
    }
}
