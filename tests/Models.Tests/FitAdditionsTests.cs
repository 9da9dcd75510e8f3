using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public class FitAdditionsTests
{
    static Sequential Compiled()
    {
        var model = TinyData.SmallCnn();
        model.Compile(new Optimizers.Adam(learningRate: 0.01), "sparse_categorical_crossentropy", ["accuracy"]);
        return model;
    }

    [Fact]
    public void Evaluate_reads_as_kerass_list_in_metrics_names_order_and_as_its_dictionary()
    {
        var (x, y) = TinyData.Blocks(12, seed: 31);
        using var model = Compiled();
        var result = model.Evaluate(x, y, verbose: 0);
        Assert.Equal(["loss", "accuracy"], model.MetricsNames);
        Assert.Equal(model.MetricsNames, result.Keys);
        Assert.Equal(result["loss"], result[0]);
        Assert.Equal(result["accuracy"], result.ToList()[1]);
    }

    [Fact]
    public void Test_on_batch_weighs_each_samples_loss_by_its_sample_weight()
    {
        var (x, y) = TinyData.Blocks(6, seed: 32);
        using var model = Compiled();
        using var probabilities = model.PredictOnBatch(x).ToTensor();
        using var perSample = -probabilities.gather(1, y.unsqueeze(1)).squeeze(1).log();
        using var weights = tensor(new float[] { 1, 0, 2, 0, 0, 3 });
        // Keras's default reduction: sum of weighted losses over the batch size.
        double expected = (perSample * weights).sum().item<float>() / 6;
        Assert.Equal(expected, model.TestOnBatch(x, y, sampleWeight: weights)["loss"], 4);
        Assert.Equal(perSample.mean().item<float>(), model.TestOnBatch(x, y)["loss"], 4);
    }

    [Fact]
    public void Train_on_batch_with_zero_class_weights_changes_nothing_and_otherwise_learns()
    {
        var (x, y) = TinyData.Blocks(12, seed: 33);
        using var model = Compiled();
        var before = model.GetWeights()[0].ToArray<float>();
        var zero = model.TrainOnBatch(x, y, classWeight: new Dictionary<int, double> { [0] = 0, [1] = 0, [2] = 0 });
        Assert.Equal(0, zero["loss"]);
        Assert.Equal(before, model.GetWeights()[0].ToArray<float>());
        double first = model.TrainOnBatch(x, y)["loss"];
        for (int i = 0; i < 20; i++) model.TrainOnBatch(x, y);
        Assert.True(model.TestOnBatch(x, y)["loss"] < first);
    }

    [Fact]
    public void Class_weight_in_fit_scales_each_class_in_the_loss()
    {
        var (x, y) = TinyData.Blocks(12, seed: 34);
        using var a = Compiled();
        using var b = Compiled();
        b.SetWeights(a.GetWeights());
        // Only class 1 counts; the same weights given per sample must train identically.
        using var asSamples = y.eq(1).to_type(ScalarType.Float32);
        var ha = a.Fit(x, y, batchSize: 12, epochs: 2, shuffle: false, verbose: 0, classWeight: new Dictionary<int, double> { [0] = 0, [2] = 0 });
        var hb = b.Fit(x, y, batchSize: 12, epochs: 2, shuffle: false, verbose: 0, sampleWeight: asSamples);
        Assert.Equal(ha["loss"][1], hb["loss"][1], 5);
        Assert.Equal(a.GetWeights()[0].ToArray<float>(), b.GetWeights()[0].ToArray<float>());
    }

    [Fact]
    public void Sample_weight_of_the_wrong_length_is_named()
    {
        var (x, y) = TinyData.Blocks(6, seed: 35);
        using var model = Compiled();
        using var w = ones(5);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, sampleWeight: w));
        Assert.Equal("sampleWeight", e.ParamName);
        Assert.Contains("(6)", e.Message);
        Assert.Contains("(5)", e.Message);
    }
}
