using Pipeline.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public class DatasetFitTests
{
    static Sequential Compiled()
    {
        var model = TinyData.SmallCnn();
        model.Compile(new Optimizers.Adam(learningRate: 0.01), "sparse_categorical_crossentropy", ["accuracy"]);
        return model;
    }

    [Fact]
    public void Fit_on_a_batched_dataset_learns_and_validates_each_epoch()
    {
        manual_seed(11);
        var (x, y) = TinyData.Blocks(192, seed: 11);
        var (xv, yv) = TinyData.Blocks(48, seed: 12);
        var train = Dataset.FromTensorSlices(x, y).Shuffle(192, seed: 1).Batch(16);
        var validation = Dataset.FromTensorSlices(xv, yv).Batch(16);
        using var model = Compiled();

        var history = model.Fit(train, epochs: 5, validationData: validation, verbose: 0);

        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], history.Keys);
        Assert.True(history["val_accuracy"][^1] > 0.9, $"val_accuracy {history["val_accuracy"][^1]}");
        Assert.Equal(history["val_accuracy"][^1], model.Evaluate(validation, verbose: 0)["accuracy"], 5);
    }

    [Fact]
    public void A_dataset_of_unknown_length_shows_unknown_steps_first_then_the_counted_steps()
    {
        var (x, y) = TinyData.Blocks(40, seed: 13);
        var filtered = Dataset.FromTensorSlices(x, y).Filter((_, label) => true).Batch(8);
        using var model = Compiled();
        var output = new StringWriter();
        model.ProgressWriter = output;
        model.ProgressIsTerminal = false;
        model.Fit(filtered, epochs: 2, verbose: 1);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("      5/Unknown - ", lines[1]);
        Assert.StartsWith("5/5 [==============================] - ", lines[3]);
    }

    [Fact]
    public void A_dataset_batch_of_the_wrong_image_shape_is_reported_with_both_shapes()
    {
        using var x = zeros(8, 28, 28, 1);
        using var y = zeros(8, dtype: ScalarType.Int64);
        using var model = SummaryTests.TutorialCnn();
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromTensorSlices(x, y).Batch(4), verbose: 0));
        Assert.Equal("dataset", e.ParamName);
        Assert.Contains("expected shape=(None, 32, 32, 3), found shape=(None, 28, 28, 1)", e.Message);
    }

    [Fact]
    public void A_dataset_label_out_of_range_is_reported_with_the_range()
    {
        var (x, _) = TinyData.Blocks(8, seed: 14);
        using var y = tensor(new long[] { 0, 1, 2, 0, 1, 2, 7, 0 });
        using var model = Compiled();
        var e = Assert.Throws<ArgumentException>(() => model.Fit(Dataset.FromTensorSlices(x, y).Batch(4), verbose: 0));
        Assert.Contains("label value of 7", e.Message);
        Assert.Contains("[0, 3)", e.Message);
    }

    [Fact]
    public void Fitting_a_dataset_disposes_every_batch()
    {
        var (x, y) = TinyData.Blocks(64, seed: 15);
        var ds = Dataset.FromTensorSlices(x, y).Shuffle(64, seed: 2).Batch(8);
        using var model = Compiled();
        model.Fit(ds, epochs: 1, verbose: 0);
        var stats = DisposeScopeManager.Statistics.TensorStatistics;
        long before = stats.ThreadTotalLiveCount;
        model.Fit(ds, epochs: 3, validationData: ds, verbose: 0);
        Assert.Equal(before, stats.ThreadTotalLiveCount);
    }

    [Fact]
    public void Predict_on_a_dataset_returns_rows_in_dataset_order()
    {
        var (x, _) = TinyData.Blocks(20, seed: 16);
        using var model = Compiled();
        using var fromDataset = model.Predict(Dataset.FromTensorSlices(x).Batch(6), verbose: 0);
        using var fromTensor = model.Predict(x, batchSize: 7, verbose: 0);
        Assert.Equal(fromTensor.ToArray<float>(), fromDataset.ToArray<float>());
    }
}
