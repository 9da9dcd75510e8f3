using Pipeline.Models.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public class OptimizerTests
{
    static (TorchSharp.Modules.Parameter Weight, Tensor Grad) OneWeight(float value, float gradient)
    {
        var w = new TorchSharp.Modules.Parameter(tensor(new[] { value }));
        using (var loss = (w * gradient).sum()) loss.backward();
        return (w, w.grad!);
    }

    [Fact]
    public void Adam_follows_keras_update_with_epsilon_added_to_the_uncorrected_root()
    {
        var (w, _) = OneWeight(1f, 0.5f);
        using var updater = new Adam(learningRate: 0.1, epsilon: 0.01).Create([w]);
        updater.Step();
        // m = 0.1 * 0.5 = 0.05; v = 0.001 * 0.25 = 0.00025; alpha = 0.1 * sqrt(1 - 0.999) / (1 - 0.9)
        double alpha = 0.1 * Math.Sqrt(0.001) / 0.1;
        double expected = 1 - alpha * 0.05 / (Math.Sqrt(0.00025) + 0.01);
        Assert.Equal(expected, w.item<float>(), 5);
        Assert.Equal(1, updater.Iterations);
    }

    [Fact]
    public void Sgd_with_momentum_accumulates_velocity_like_keras()
    {
        var (w, _) = OneWeight(1f, 2f);
        using var updater = new SGD(learningRate: 0.1, momentum: 0.5).Create([w]);
        updater.Step();                  // v = -0.2, w = 0.8
        updater.Step();                  // v = 0.5 * -0.2 - 0.2 = -0.3, w = 0.5
        Assert.Equal(0.5f, w.item<float>(), 5);
    }

    [Fact]
    public void Training_survives_the_garbage_collector_finalizing_everything_it_can()
    {
        // TorchSharp's temporary Scalars (e.g. add_'s default alpha) can be finalized during the native call;
        // a collector running flat out makes that certain within a few hundred steps unless every Scalar is held.
        var (x, y) = TinyData.Blocks(64, seed: 3);
        using var model = TinyData.SmallCnn();
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        collector.Start();
        try
        {
            Optimizer[] optimizers =
            [
                new Adam(amsgrad: true, clipnorm: 1), new SGD(momentum: 0.9, nesterov: true, weightDecay: 0.01), new RMSprop(momentum: 0.5, centered: true),
                new AdamW(globalClipnorm: 1), new Adagrad(clipvalue: 0.5), new Nadam(learningRate: new Pipeline.Models.Optimizers.Schedules.CosineDecay(0.001, 50)),
            ];
            foreach (var optimizer in optimizers)
            {
                model.Compile(optimizer, "sparse_categorical_crossentropy", ["accuracy"]);
                var history = model.Fit(x, y, batchSize: 4, epochs: 3, validationSplit: 0.25, verbose: 0);
                Assert.All(history["loss"], l => Assert.True(double.IsFinite(l)));
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
