using System.Diagnostics;
using System.Globalization;
using Pipeline.Models;
using Pipeline.Models.Initializers;
using Pipeline.Models.Optimizers;
using static TorchSharp.torch;

/// <summary>What ways 1-3 train: logits from channels-last images, and the variables to learn.</summary>
internal interface IHandWrittenCnn
{
    Tensor Logits(Tensor images);

    IReadOnlyList<Variable> Weights { get; }
}

/// <summary>Way 1: raw variables (Keras layouts: kernels (kh, kw, in, out)) and conv/pool/matmul ops.</summary>
internal sealed class ManualCnn : IHandWrittenCnn
{
    readonly Variable _w1 = Init([3, 3, 3, 32], "w1"), _b1 = Zero(32, "b1");
    readonly Variable _w2 = Init([3, 3, 32, 64], "w2"), _b2 = Zero(64, "b2");
    readonly Variable _w3 = Init([4096, 256], "w3"), _b3 = Zero(256, "b3");
    readonly Variable _w4 = Init([256, 10], "w4"), _b4 = Zero(10, "b4");

    static Variable Init(long[] shape, string name)
    {
        using var value = new GlorotUniform().Call(shape);
        return new Variable(value, name: name);
    }

    static Variable Zero(long size, string name)
    {
        using var value = zeros(size);
        return new Variable(value, name: name);
    }

    public IReadOnlyList<Variable> Weights => [_w1, _b1, _w2, _b2, _w3, _b3, _w4, _b4];

    public Tensor Logits(Tensor images) => CnnOps.Logits(images, Weights);
}

/// <summary>Way 2: the same variables owned by a Module (tf.Module), found through its fields.</summary>
internal sealed class CnnModule : Module, IHandWrittenCnn
{
    readonly Variable[] _variables;

    public CnnModule()
    {
        var manual = new ManualCnn();
        _variables = [.. manual.Weights];
    }

    public IReadOnlyList<Variable> Weights => TrainableVariables;

    public Tensor Logits(Tensor images) => CnnOps.Logits(images, Weights);
}

internal static class CnnOps
{
    /// <summary>conv 3x3 same + relu, max-pool 2, twice; flatten (channels-last order, as Keras); dense relu; dense.</summary>
    public static Tensor Logits(Tensor images, IReadOnlyList<Variable> w)
    {
        var x = images.permute(0, 3, 1, 2);   // NCHW view over channels-last memory
        x = nn.functional.relu(nn.functional.conv2d(x, w[0].Value.permute(3, 2, 0, 1), w[1].Value, padding: [1, 1]));
        x = nn.functional.max_pool2d(x, [2, 2], [2, 2]);
        x = nn.functional.relu(nn.functional.conv2d(x, w[2].Value.permute(3, 2, 0, 1), w[3].Value, padding: [1, 1]));
        x = nn.functional.max_pool2d(x, [2, 2], [2, 2]);
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1);
        x = nn.functional.relu(x.matmul(w[4].Value).add(w[5].Value));
        return x.matmul(w[6].Value).add(w[7].Value);
    }
}

internal static class HandWritten
{
    /// <summary>
    /// The tutorial's loop: shuffled batches, a GradientTape, Adam's ApplyGradients, and its progress line
    /// "step =1000,loss = 1.3011,accuracy =0.5781 ,times=12.3" every 200 steps.
    /// </summary>
    public static void Train(IHandWrittenCnn net, (Tensor X, Tensor Y) train, FiveWaysOptions options, bool announceStepFunction)
    {
        var optimizer = new Adam();
        var variables = net.Weights;
        long n = train.X.shape[0];
        var clock = Stopwatch.StartNew();
        int step = 0;

        // Way 3's "tf.function": the step is built once as a delegate over fixed variables and optimizer. On libtorch CPU
        // there is no tracer to hand it to, and no faster step was found by measuring (docs/models.md, bench `models step`).
        Func<Tensor, Tensor, (Tensor Loss, Tensor Logits)> trainStep = (x, y) =>
        {
            using var tape = new GradientTape();
            var logits = net.Logits(x);
            var loss = nn.functional.cross_entropy(logits, y);
            optimizer.ApplyGradients(tape.Gradient(loss, variables), variables);
            return (loss, logits);
        };
        if (announceStepFunction) Console.WriteLine("train_step built once as a delegate (tf.function's place); it runs eagerly: nothing measured faster on libtorch CPU (docs/models.md).");

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            using var order = randperm(n);
            for (long begin = 0; begin < n; begin += options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var index = order.narrow(0, begin, Math.Min(options.BatchSize, n - begin));
                var x = train.X.index_select(0, index);
                var y = train.Y.index_select(0, index);
                var (loss, logits) = trainStep(x, y);
                step++;
                if (step % 200 == 0)
                {
                    double accuracy = logits.argmax(1).eq(y).to_type(ScalarType.Float32).mean().item<float>();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"step ={step},loss = {loss.item<float>():F4},accuracy ={accuracy:F4} ,times={clock.Elapsed.TotalSeconds:F1}"));
                }
            }
        }
    }

    public static double Accuracy(IHandWrittenCnn net, (Tensor X, Tensor Y) data)
    {
        long hits = 0, n = data.X.shape[0];
        using var noGrad = no_grad();
        for (long begin = 0; begin < n; begin += 256)
        {
            using var scope = NewDisposeScope();
            var x = data.X.narrow(0, begin, Math.Min(256, n - begin));
            var y = data.Y.narrow(0, begin, Math.Min(256, n - begin));
            hits += net.Logits(x).argmax(1).eq(y).sum().item<long>();
        }
        return (double)hits / n;
    }
}
