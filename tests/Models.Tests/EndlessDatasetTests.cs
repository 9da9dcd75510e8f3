using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>Issue 11 item 4: an endless dataset is refused up front at every verbosity, or bounded by steps.</summary>
public class EndlessDatasetTests
{
    static Sequential Compiled()
    {
        var model = TinyData.SmallCnn();
        model.Compile("sgd", "sparse_categorical_crossentropy", ["accuracy"]);
        return model;
    }

    static Dataset<(Tensor, Tensor)> Endless()
    {
        var (x, y) = TinyData.Blocks(16, seed: 21);
        return Dataset.FromTensorSlices(x, y).Batch(4).Repeat();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Fit_on_an_endless_dataset_without_steps_per_epoch_fails_before_training_at_every_verbosity(int verbose)
    {
        using var model = Compiled();
        var before = model.GetWeights()[0].ToArray<float>();
        var e = Assert.Throws<ArgumentException>(() => model.Fit(Endless(), epochs: 1, verbose: verbose));
        Assert.Equal("dataset", e.ParamName);
        Assert.Contains("Fit", e.Message);
        Assert.Contains("infinite", e.Message);
        Assert.Contains("stepsPerEpoch", e.Message);
        Assert.Equal(before, model.GetWeights()[0].ToArray<float>());
    }

    [Fact]
    public void Evaluate_and_predict_on_an_endless_dataset_name_themselves_and_steps()
    {
        using var model = Compiled();
        var e = Assert.Throws<ArgumentException>(() => model.Evaluate(Endless(), verbose: 0));
        Assert.StartsWith("Evaluate:", e.Message);
        Assert.DoesNotContain("Fit", e.Message);
        Assert.Contains("steps", e.Message);
        var features = Dataset.FromTensorSlices(TinyData.Blocks(8, seed: 22).X).Batch(4).Repeat();
        var p = Assert.Throws<ArgumentException>(() => model.Predict(features, verbose: 0));
        Assert.StartsWith("Predict:", p.Message);
    }

    [Fact]
    public void Steps_run_exactly_that_many_batches_and_an_endless_iteration_continues_across_epochs()
    {
        using var model = Compiled();
        int batches = 0;
        var counted = Endless().Map((x, y) => { Interlocked.Increment(ref batches); return (x, y); });
        var history = model.Fit(counted, epochs: 3, verbose: 0, stepsPerEpoch: 5);
        Assert.Equal(3, history["loss"].Count);
        Assert.Equal(15, batches);

        batches = 0;
        model.Evaluate(counted, verbose: 0, steps: 7);
        Assert.Equal(7, batches);

        var features = Dataset.FromTensorSlices(TinyData.Blocks(8, seed: 23).X).Batch(4).Repeat();
        Assert.Equal(12, model.Predict(features, verbose: 0, steps: 3).shape[0]);
    }

    [Fact]
    public void Validation_on_an_endless_dataset_needs_validation_steps()
    {
        using var model = Compiled();
        var (x, y) = TinyData.Blocks(16, seed: 24);
        var train = Dataset.FromTensorSlices(x, y).Batch(4);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(train, validationData: Endless(), verbose: 0));
        Assert.Equal("validationData", e.ParamName);
        Assert.Contains("validationSteps", e.Message);
        var history = model.Fit(train, validationData: Endless(), verbose: 0, validationSteps: 2);
        Assert.True(history.ContainsKey("val_loss"));
    }

    [Fact]
    public void Initial_epoch_resumes_the_epoch_count()
    {
        using var model = Compiled();
        var (x, y) = TinyData.Blocks(16, seed: 25);
        var history = model.Fit(Dataset.FromTensorSlices(x, y).Batch(4), epochs: 5, initialEpoch: 3, verbose: 0);
        Assert.Equal([3, 4], history.Epochs);
    }
}
