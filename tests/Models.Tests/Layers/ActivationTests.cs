using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>Keras's activations against python3-torch / numpy values from make_activation_fixtures.py.</summary>
public class ActivationTests
{
    static readonly System.Text.Json.JsonElement Fixture = OracleJson.Load("Layers", "activations.json");

    static Tensor X => OracleJson.ToTensor(Fixture.GetProperty("x"));

    static Tensor Expected(string key) => OracleJson.ToTensor(Fixture.GetProperty(key));

    [Theory]
    [InlineData("relu")]
    [InlineData("relu6")]
    [InlineData("gelu")]
    [InlineData("sigmoid")]
    [InlineData("hard_sigmoid")]
    [InlineData("silu")]
    [InlineData("hard_silu")]
    [InlineData("tanh")]
    [InlineData("elu")]
    [InlineData("selu")]
    [InlineData("leaky_relu")]
    [InlineData("softplus")]
    [InlineData("softsign")]
    [InlineData("mish")]
    [InlineData("exponential")]
    public void Activation_by_name_matches_the_reference(string name)
    {
        using var scope = NewDisposeScope();
        OracleJson.AssertClose(Expected(name), Activations.Get(name)(X), name, rtol: 1e-5, atol: 1e-6);
    }

    [Fact]
    public void Aliases_and_parameterised_forms_match_the_reference()
    {
        using var scope = NewDisposeScope();
        OracleJson.AssertClose(Expected("silu"), Activations.Get("swish")(X), "swish");
        OracleJson.AssertClose(Expected("hard_silu"), Activations.Get("hard_swish")(X), "hard_swish");
        OracleJson.AssertClose(Expected("gelu_tanh"), Activations.Gelu(X, approximate: true), "gelu approximate");
        OracleJson.AssertClose(Expected("elu_alpha_0.5"), Activations.Elu(X, alpha: 0.5), "elu alpha 0.5");
        OracleJson.AssertClose(Expected("relu_slope_max_threshold"), Activations.Relu(X, negativeSlope: 0.1, maxValue: 4, threshold: 1), "relu(0.1, 4, 1)");
        OracleJson.AssertClose(Expected("relu_max6"), Activations.Relu(X, maxValue: 6), "relu(max 6)");
        OracleJson.AssertClose(Expected("relu_threshold"), Activations.Relu(X, threshold: 2), "relu(threshold 2)");
    }

    [Fact]
    public void Softmax_and_log_softmax_work_on_any_axis()
    {
        using var scope = NewDisposeScope();
        var m = OracleJson.ToTensor(Fixture.GetProperty("matrix"));
        OracleJson.AssertClose(Expected("softmax_axis0"), Activations.Softmax(m, axis: 0), "softmax axis 0");
        OracleJson.AssertClose(Expected("softmax_axis1"), Activations.Softmax(m, axis: -1), "softmax axis -1");
        OracleJson.AssertClose(Expected("log_softmax_axis0"), Activations.LogSoftmax(m, axis: 0), "log_softmax axis 0");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Activations.Softmax(m, axis: 2));
        Assert.Contains("rank 2", e.Message);
    }

    [Fact]
    public void Get_is_stable_and_serialize_names_it_back()
    {
        Assert.Same(Activations.Get("relu"), Activations.Get("ReLU"));
        Assert.Equal("gelu", Activations.Serialize(Activations.Get("gelu")));
        Assert.Equal("silu", Activations.Serialize(Activations.Get("swish")));
        Assert.Null(Activations.Serialize(x => x * 2));
        Assert.Equal("linear", Activations.Serialize(Activations.Get(null)));
        var e = Assert.Throws<ArgumentException>(() => Activations.Get("relu7"));
        Assert.Contains("'relu7'", e.Message);
        Assert.Contains("hard_sigmoid", e.Message);
    }

    [Fact]
    public void Every_activation_has_the_gradient_finite_differences_give()
    {
        // float64 central differences at points away from the kinks (0, ±3, ±6).
        double[] points = [-4.3, -2.1, -0.7, 0.4, 1.3, 2.6, 4.2, 7.5];
        // Elementwise functions only: shifting every input at once gives each element's own derivative.
        foreach (var name in Activations.Names.Where(n => n is not ("softmax" or "log_softmax")))
        {
            using var scope = NewDisposeScope();
            var x = tensor(points).requires_grad_();
            Activations.Get(name)(x).sum().backward();
            const double h = 1e-6;
            using (no_grad())
            {
                var numeric = Activations.Get(name)(x.detach() + h).sub(Activations.Get(name)(x.detach() - h)).div(2 * h);
                OracleJson.AssertClose(numeric, x.grad!, $"d {name}/dx", rtol: 1e-5, atol: 1e-6);
            }
        }
    }
}
