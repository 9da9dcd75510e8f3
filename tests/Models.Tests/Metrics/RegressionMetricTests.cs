using Pipeline.Models.Layers;
using Pipeline.Models.Metrics;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>Keras's regression metrics: mean squared and absolute error, their root, and the "mse"/"mae" names in Compile.</summary>
public class RegressionMetricTests
{
    // Two samples of two values: squared errors per sample (1 + 4) / 2 = 2.5 and (0 + 9) / 2 = 4.5,
    // absolute errors (1 + 2) / 2 = 1.5 and (0 + 3) / 2 = 1.5.
    static Tensor Labels() => tensor(new float[,] { { 1, 2 }, { 3, 4 } });
    static Tensor Predictions() => tensor(new float[,] { { 2, 0 }, { 3, 7 } });

    [Fact]
    public void Mean_squared_error_is_the_weighted_mean_of_per_sample_means()
    {
        using var scope = NewDisposeScope();
        var m = new MeanSquaredError();
        m.UpdateState(Labels(), Predictions());
        Assert.Equal((2.5 + 4.5) / 2, m.Result(), 1e-6);
        m.UpdateState(Labels(), Predictions(), sampleWeight: tensor(new[] { 3f, 0f }));
        // Weights so far: 1, 1, 3, 0.
        Assert.Equal((2.5 + 4.5 + 3 * 2.5) / 5, m.Result(), 1e-6);
        m.ResetState();
        Assert.Equal(0, m.Result());
    }

    [Fact]
    public void Mean_absolute_error_averages_absolute_differences_and_accepts_integer_labels()
    {
        using var scope = NewDisposeScope();
        var m = new MeanAbsoluteError();
        m.UpdateState(Labels().to_type(ScalarType.Int64), Predictions());
        Assert.Equal(1.5, m.Result(), 1e-6);
    }

    [Fact]
    public void Root_mean_squared_error_is_the_root_of_the_running_mean_not_a_mean_of_roots()
    {
        using var scope = NewDisposeScope();
        var m = new RootMeanSquaredError();
        m.UpdateState(Labels()[..1], Predictions()[..1]);   // 2.5
        m.UpdateState(Labels()[1..], Predictions()[1..]);   // 4.5
        Assert.Equal(Math.Sqrt(3.5), m.Result(), 1e-6);
        Assert.NotEqual((Math.Sqrt(2.5) + Math.Sqrt(4.5)) / 2, m.Result(), 6);
    }

    [Fact]
    public void Compile_accepts_keras_short_names_and_logs_them_as_spelled()
    {
        using var scope = NewDisposeScope();
        var x = randn(32, 3, generator: new Generator(5));
        var y = x.matmul(tensor(new float[,] { { 1 }, { -2 }, { 0.5f } }));
        using var model = new Sequential([new Input([3]), new Dense(1)]);
        model.Compile("sgd", "mse", ["mae", "mse", "root_mean_squared_error"]);
        var history = model.Fit(x, y, batchSize: 8, epochs: 2, shuffle: false, verbose: 0);

        Assert.Equal(["loss", "mae", "mse", "root_mean_squared_error"], model.MetricsNames);
        // Without regularization the "mse" metric and the mse loss average the same per-sample values.
        for (int e = 0; e < 2; e++)
            Assert.Equal(history["loss"][e], history["mse"][e], 1e-4);
        var evaluation = model.Evaluate(x, y, verbose: 0);
        Assert.Equal(Math.Sqrt(evaluation["mse"]), evaluation["root_mean_squared_error"], 1e-4);
    }
}
