using System.Text.Json.Nodes;
using Pipeline.Models.Layers;
using Pipeline.Models.Losses;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// Keras 3's <c>axis</c> on the cross-entropies and <c>ignore_class</c> on the sparse one (losses.py and loss.py's
/// apply_mask: ignored labels give 0 and the means run over the kept labels only). Expected values are the formulas
/// written out per element.
/// </summary>
public class LossAxisAndIgnoreClassTests
{
    static float[] Values(Tensor t) => t.contiguous().cpu().data<float>().ToArray();

    [Fact]
    public void CategoricalCrossentropy_takes_the_class_axis_from_axis()
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        // (batch 2, classes 3, positions 4): classes on axis 1.
        var p = rand(2, 3, 4).add(0.05);
        var y = rand(2, 3, 4);
        foreach (var (fromLogits, smoothing) in new[] { (false, 0.0), (true, 0.2) })
        {
            var loss = new CategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing, axis: 1, reduction: "none");
            var values = loss.Call(y, p);
            Assert.Equal(new long[] { 2, 4 }, values.shape);
            float[] ps = Values(p), ys = Values(y), got = Values(values);
            for (int n = 0; n < 2; n++)
                for (int j = 0; j < 4; j++)
                {
                    double norm = 0, expSum = 0;
                    for (int c = 0; c < 3; c++) { norm += ps[(n * 3 + c) * 4 + j]; expSum += Math.Exp(ps[(n * 3 + c) * 4 + j]); }
                    double expected = 0;
                    for (int c = 0; c < 3; c++)
                    {
                        double target = ys[(n * 3 + c) * 4 + j] * (1 - smoothing) + smoothing / 3;
                        double logProbability = fromLogits ? ps[(n * 3 + c) * 4 + j] - Math.Log(expSum) : Math.Log(ps[(n * 3 + c) * 4 + j] / norm);
                        expected -= target * logProbability;
                    }
                    Assert.Equal(expected, got[n * 4 + j], 4);
                }
            // The mean over the (2, 4) per-position losses, as Keras's default reduction.
            Assert.Equal(got.Average(), new CategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing, axis: 1).Call(y, p).item<float>(), 5);
        }
        Assert.Equal(-1, new CategoricalCrossentropy().Axis);
    }

    [Fact]
    public void BinaryCrossentropy_averages_over_axis()
    {
        using var scope = NewDisposeScope();
        manual_seed(22);
        var p = rand(3, 2).mul(0.9).add(0.05);
        var y = tensor(new float[] { 1, 0, 0, 1, 1, 1 }).reshape(3, 2);
        var values = new BinaryCrossentropy(axis: 0, reduction: "none").Call(y, p);
        Assert.Equal(new long[] { 2 }, values.shape);
        float[] ps = Values(p), ys = Values(y), got = Values(values);
        for (int j = 0; j < 2; j++)
        {
            double expected = 0;
            for (int i = 0; i < 3; i++)
                expected -= (ys[i * 2 + j] * Math.Log(ps[i * 2 + j]) + (1 - ys[i * 2 + j]) * Math.Log(1 - ps[i * 2 + j])) / 3;
            Assert.Equal(expected, got[j], 4);
        }
        // From logits, along the first axis of a 3-D batch: the mean runs over axis 1 of (2, 3, 2).
        var logits = randn(2, 3, 2);
        var labels = rand(2, 3, 2).round();
        var perSample = new BinaryCrossentropy(fromLogits: true, axis: 1, reduction: "none").Call(labels, logits);
        Assert.Equal(new long[] { 2, 2 }, perSample.shape);
        float[] xs = Values(logits), ls = Values(labels), out2 = Values(perSample);
        for (int n = 0; n < 2; n++)
            for (int k = 0; k < 2; k++)
            {
                double expected = 0;
                for (int i = 0; i < 3; i++)
                {
                    double x = xs[(n * 3 + i) * 2 + k], t = ls[(n * 3 + i) * 2 + k], s = 1 / (1 + Math.Exp(-x));
                    expected -= (t * Math.Log(s) + (1 - t) * Math.Log(1 - s)) / 3;
                }
                Assert.Equal(expected, out2[n * 2 + k], 4);
            }
    }

    [Fact]
    public void An_axis_outside_the_predictions_rank_names_the_loss_the_axis_and_the_shape()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new CategoricalCrossentropy(axis: 2).Call(rand(4, 3), rand(4, 3)));
        Assert.Contains("categorical_crossentropy", e.Message);
        Assert.Contains("axis=2", e.Message);
        Assert.Contains("(4, 3)", e.Message);
        var b = Assert.Throws<ArgumentException>(() => new BinaryCrossentropy(axis: -3).Call(rand(4, 3), rand(4, 3)));
        Assert.Contains("axis=-3", b.Message);
    }

    [Fact]
    public void SparseCategoricalCrossentropy_ignores_a_class_as_Keras_does()
    {
        using var scope = NewDisposeScope();
        manual_seed(23);
        var logits = randn(6, 3);
        var labels = tensor(new long[] { 0, 2, 255, 1, 255, 2 });   // 255: the void class, outside [0, 3)
        var weights = tensor(new float[] { 1, 2, 3, 4, 5, 0.5f });
        float[] xs = Values(logits);
        long[] ls = labels.data<long>().ToArray();
        float[] ws = Values(weights);
        var expected = new double[6];
        for (int i = 0; i < 6; i++)
        {
            if (ls[i] == 255) continue;
            double sum = 0;
            for (int c = 0; c < 3; c++) sum += Math.Exp(xs[i * 3 + c]);
            expected[i] = Math.Log(sum) - xs[i * 3 + ls[i]];
        }
        const int kept = 4;

        SparseCategoricalCrossentropy Loss(string reduction) => new(fromLogits: true, ignoreClass: 255, reduction: reduction);
        var none = Values(Loss("none").Call(labels, logits));
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], none[i], 4);
        Assert.Equal(expected.Sum() / kept, Loss("sum_over_batch_size").Call(labels, logits).item<float>(), 4);
        Assert.Equal(expected.Sum() / kept, Loss("mean").Call(labels, logits).item<float>(), 4);
        Assert.Equal(expected.Sum(), Loss("sum").Call(labels, logits).item<float>(), 4);
        // Sample weights: sum(loss · w) over the kept labels divided by their count (Keras's apply_mask), or by their
        // weights' sum for "mean_with_sample_weight".
        double weighted = Enumerable.Range(0, 6).Sum(i => expected[i] * ws[i]);
        double keptWeights = Enumerable.Range(0, 6).Where(i => ls[i] != 255).Sum(i => (double)ws[i]);
        Assert.Equal(weighted / kept, Loss("sum_over_batch_size").Call(labels, logits, weights).item<float>(), 4);
        Assert.Equal(weighted / keptWeights, Loss("mean_with_sample_weight").Call(labels, logits, weights).item<float>(), 4);
        // Nothing kept: 0, not NaN.
        Assert.Equal(0f, Loss("sum_over_batch_size").Call(full(6, 255L), logits).item<float>());

        // Ignored samples get no gradient.
        var x = logits.detach().requires_grad_();
        Loss("sum_over_batch_size").Call(labels, x).backward();
        var grad = x.grad!;
        Assert.Equal(0f, grad[2].abs().sum().item<float>());
        Assert.Equal(0f, grad[4].abs().sum().item<float>());
        Assert.True(grad[0].abs().sum().item<float>() > 0);

        // Without ignoreClass nothing changes: the plain mean over all samples, probabilities in.
        var probabilities = logits.softmax(-1);
        var all = tensor(new long[] { 0, 2, 1, 1, 0, 2 });
        Assert.Equal(new SparseCategoricalCrossentropy().Call(all, probabilities).item<float>(),
            new SparseCategoricalCrossentropy(ignoreClass: 7).Call(all, probabilities).item<float>(), 6);
    }

    [Fact]
    public void Fit_accepts_ignored_labels_outside_the_class_range_and_still_rejects_other_ones()
    {
        var inputs = new Input([4]);
        using var model = new Model(inputs, new Dense(3).Apply(inputs));
        model.Compile("sgd", new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: -1));
        using var x = randn(8, 4);
        using var y = tensor(new long[] { 0, 1, -1, 2, -1, 0, 1, 2 });
        var history = model.Fit(x, y, batchSize: 4, epochs: 1, verbose: 0);
        Assert.True(double.IsFinite(history["loss"][0]));
        using var bad = tensor(new long[] { 0, 1, -2, 2, -1, 0, 1, 3 });
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, bad, batchSize: 4, epochs: 1, verbose: 0));
        Assert.Contains("label value of -2", e.Message);
    }

    [Fact]
    public void Axis_and_ignore_class_are_in_the_config_and_come_back_from_it()
    {
        var binder = new ConfigBinder("losses", null);
        var sparse = new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 255);
        Assert.Equal(255, sparse.GetConfig()["ignore_class"]);
        var rebuilt = (SparseCategoricalCrossentropy)binder.Construct(typeof(SparseCategoricalCrossentropy), (JsonObject)JsonConfig.ToJson(sparse.GetConfig())!, "sparse");
        Assert.Equal((true, (int?)255), (rebuilt.FromLogits, rebuilt.IgnoreClass));
        Assert.Null(new SparseCategoricalCrossentropy().GetConfig()["ignore_class"]);

        var categorical = new CategoricalCrossentropy(axis: 1);
        Assert.Equal(1, categorical.GetConfig()["axis"]);
        Assert.Equal(1, ((CategoricalCrossentropy)binder.Construct(typeof(CategoricalCrossentropy), (JsonObject)JsonConfig.ToJson(categorical.GetConfig())!, "cce")).Axis);
        var binary = new BinaryCrossentropy(axis: 0);
        Assert.Equal(0, ((BinaryCrossentropy)binder.Construct(typeof(BinaryCrossentropy), (JsonObject)JsonConfig.ToJson(binary.GetConfig())!, "bce")).Axis);
    }
}
