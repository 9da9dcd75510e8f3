using NumSharp;
using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>Issue 11 item 8: each bad label or empty input gets a message naming the argument, what was expected and what came.</summary>
public class LabelMessageTests
{
    static Sequential Compiled(string loss)
    {
        var model = SummaryTests.TutorialCnn();
        model.Compile("adam", loss, ["accuracy"]);
        return model;
    }

    [Fact]
    public void A_fractional_label_is_reported_as_itself_not_as_the_largest_label()
    {
        using var model = Compiled("sparse_categorical_crossentropy");
        using var x = zeros(4, 32, 32, 3);
        using var y = tensor(new float[] { 0, 1.5f, 9, 2 });
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("label value of 1.5", e.Message);
        Assert.Contains("sample 1", e.Message);
        Assert.Contains("not an integer class index", e.Message);
        Assert.DoesNotContain("value of 9", e.Message);
    }

    [Fact]
    public void Predict_on_zero_samples_says_so()
    {
        using var model = Compiled("sparse_categorical_crossentropy");
        using var x = zeros(0, 32, 32, 3);
        var e = Assert.Throws<ArgumentException>(() => model.Predict(x, verbose: 0));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("0 samples", e.Message);
        Assert.Contains("(0, 32, 32, 3)", e.Message);
    }

    [Theory]
    [InlineData("categorical_crossentropy")]
    [InlineData("mse")]
    public void Sparse_labels_with_a_dense_loss_name_the_loss_both_shapes_and_the_fix(string loss)
    {
        using var model = Compiled(loss);
        using var x = zeros(32, 32, 32, 3);
        using var y = randint(0, 10, [32], dtype: ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, batchSize: 32, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("(32, 10)", e.Message);
        Assert.Contains("(32)", e.Message);
        Assert.Contains("sparse_categorical_crossentropy", e.Message);
        Assert.DoesNotContain("size of tensor", e.Message);
    }

    [Fact]
    public void One_hot_labels_train_with_categorical_crossentropy()
    {
        using var model = Compiled("categorical_crossentropy");
        using var x = zeros(8, 32, 32, 3);
        using var labels = randint(0, 10, [8], dtype: ScalarType.Int64);
        using var y = nn.functional.one_hot(labels, 10).to_type(ScalarType.Float32);
        Assert.True(double.IsFinite(model.Fit(x, y, verbose: 0)["loss"][0]));
    }
}
