using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public class BadInputTests
{
    static Sequential CompiledTutorialCnn()
    {
        var model = SummaryTests.TutorialCnn();
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    [Fact]
    public void Fit_with_28x28x1_images_on_a_32x32x3_model_names_the_model_and_both_shapes()
    {
        using var model = CompiledTutorialCnn();
        using var x = zeros(4, 28, 28, 1);
        using var y = zeros(4, dtype: ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("layer \"sequential\"", e.Message);
        Assert.Contains("expected shape=(None, 32, 32, 3)", e.Message);
        Assert.Contains("found shape=(None, 28, 28, 1)", e.Message);
    }

    [Fact]
    public void Labels_outside_the_class_range_name_the_output_layer_and_the_range()
    {
        using var model = CompiledTutorialCnn();
        using var x = zeros(4, 32, 32, 3);
        using var y = tensor(new long[] { 0, 3, 10, 2 });
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("label value of 10", e.Message);
        Assert.Contains("[0, 10)", e.Message);
        Assert.Contains("\"dense_1\"", e.Message);

        using var negative = tensor(new long[] { 0, -1, 1, 2 });
        Assert.Contains("label value of -1", Assert.Throws<ArgumentException>(() => model.Evaluate(x, negative, verbose: 0)).Message);
    }

    [Fact]
    public void X_and_y_of_different_lengths_report_both_sizes()
    {
        using var model = CompiledTutorialCnn();
        using var x = zeros(5, 32, 32, 3);
        using var y = zeros(4, dtype: ScalarType.Int64);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("x sizes: 5", e.Message);
        Assert.Contains("y sizes: 4", e.Message);
    }

    [Fact]
    public void Unknown_optimizer_loss_and_metric_names_are_rejected_with_the_known_names()
    {
        using var model = SummaryTests.TutorialCnn();
        var o = Assert.Throws<ArgumentException>(() => model.Compile(optimizer: "adamm", loss: "sparse_categorical_crossentropy"));
        Assert.Equal("optimizer", o.ParamName);
        Assert.Contains("'adamm'", o.Message);
        Assert.Contains("adam, adamw, sgd, rmsprop", o.Message);

        var l = Assert.Throws<ArgumentException>(() => model.Compile(optimizer: "adam", loss: "sparse_crossentropy"));
        Assert.Equal("loss", l.ParamName);
        Assert.Contains("'sparse_crossentropy'", l.Message);
        Assert.Contains("sparse_categorical_crossentropy", l.Message);

        var m = Assert.Throws<ArgumentException>(() => model.Compile(new Adam(), "sparse_categorical_crossentropy", ["acuracy"]));
        Assert.Equal("metrics", m.ParamName);
        Assert.Contains("'acuracy'", m.Message);
        Assert.Contains("accuracy", m.Message);
    }

    [Fact]
    public void A_layer_given_an_input_of_the_wrong_rank_names_the_layer()
    {
        using var model = new Sequential([new Input([784]), new Dense(10)]);
        var e = Assert.Throws<ArgumentException>(() => model.Add(new Conv2D(8, 3)));
        Assert.Contains("layer \"conv2d\"", e.Message);
        Assert.Contains("found shape=(None, 10)", e.Message);
    }

    [Fact]
    public void Fit_before_compile_says_to_compile()
    {
        using var model = SummaryTests.TutorialCnn();
        using var x = zeros(2, 32, 32, 3);
        using var y = zeros(2, dtype: ScalarType.Int64);
        Assert.Contains("Compile", Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, verbose: 0)).Message);
    }

    [Fact]
    public void Reshape_to_a_different_size_names_the_layer_and_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential([new Input([8, 8, 64]), new Reshape([4000])]));
        Assert.Contains("\"reshape\"", e.Message);
        Assert.Contains("input_shape = [8, 8, 64], output_shape = [4000]", e.Message);
    }
}
