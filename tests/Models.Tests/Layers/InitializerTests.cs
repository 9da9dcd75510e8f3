using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// Initializers checked by the statistics their Keras definitions imply, on large draws (Keras layout shapes), and
/// regularizers by hand-computed penalties.
/// </summary>
[Collection(GlobalRandomState.Name)]
public class InitializerTests
{
    static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        using var d = t.to_type(ScalarType.Float64);
        return (d.mean().item<double>(), d.std().item<double>(), d.min().item<double>(), d.max().item<double>());
    }

    [Fact]
    public void Fans_follow_keras_compute_fans()
    {
        Assert.Equal((3 * 3 * 16.0, 3 * 3 * 32.0), Initializer.ComputeFans([3, 3, 16, 32]));
        Assert.Equal((100.0, 10.0), Initializer.ComputeFans([100, 10]));
        Assert.Equal((7.0, 7.0), Initializer.ComputeFans([7]));
    }

    [Theory]
    [InlineData("glorot_uniform", "uniform", 2.0 / (3 * 3 * 64 + 3 * 3 * 128))]   // variance 2 / (fanIn + fanOut)
    [InlineData("he_uniform", "uniform", 2.0 / (3 * 3 * 64))]
    [InlineData("lecun_uniform", "uniform", 1.0 / (3 * 3 * 64))]
    [InlineData("glorot_normal", "truncated", 2.0 / (3 * 3 * 64 + 3 * 3 * 128))]
    [InlineData("he_normal", "truncated", 2.0 / (3 * 3 * 64))]
    [InlineData("lecun_normal", "truncated", 1.0 / (3 * 3 * 64))]
    public void Variance_scaling_family_has_keras_variance_and_support(string name, string distribution, double variance)
    {
        using var scope = NewDisposeScope();
        var w = Initializer.Get(name).Call([3, 3, 64, 128]);
        Assert.Equal(new long[] { 3, 3, 64, 128 }, w.shape);
        var (mean, std, min, max) = Stats(w);
        double sd = Math.Sqrt(variance);
        Assert.InRange(mean, -0.02 * sd, 0.02 * sd);
        Assert.InRange(std, 0.98 * sd, 1.02 * sd);
        // Uniform: |x| <= sqrt(3 variance). Truncated normal: |x| <= 2 · stddev / 0.8796 (the pre-truncation stddev).
        double bound = distribution == "uniform" ? Math.Sqrt(3 * variance) : 2 * sd / 0.87962566103423978;
        Assert.True(max <= bound * (1 + 1e-6) && min >= -bound * (1 + 1e-6), $"{name}: range [{min}, {max}] exceeds ±{bound}");
        Assert.True(max > 0.95 * bound, $"{name}: the draw never approaches its bound {bound} (max {max})");
    }

    [Fact]
    public void Random_normal_uniform_and_truncated_use_keras_defaults()
    {
        using var scope = NewDisposeScope();
        var (m, s, _, _) = Stats(new RandomNormal().Call([200, 500]));
        Assert.InRange(m, -0.002, 0.002);
        Assert.InRange(s, 0.049, 0.051);
        var (_, _, lo, hi) = Stats(new RandomUniform().Call([200, 500]));
        Assert.InRange(lo, -0.05, -0.0499);
        Assert.InRange(hi, 0.0499, 0.05);
        var (tm, _, tlo, thi) = Stats(new TruncatedNormal(mean: 1, stddev: 0.1).Call([200, 500]));
        Assert.InRange(tm, 0.998, 1.002);
        Assert.True(tlo >= 0.8 - 1e-6 && thi <= 1.2 + 1e-6);
    }

    [Fact]
    public void Constant_zeros_ones_and_orthogonal()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(0, new Zeros().Call([3]).abs().sum().item<float>());
        Assert.Equal(6, new Ones().Call([2, 3]).sum().item<float>());
        Assert.Equal(2.5f, new Constant(2.5).Call([1]).item<float>());
        // Columns of a tall matrix are orthonormal (times gain); rows of a wide one.
        var tall = new Orthogonal(gain: 2).Call([3, 3, 4, 8]).reshape(36, 8).to_type(ScalarType.Float64);
        Assert.True(tall.t().matmul(tall).allclose(eye(8, dtype: ScalarType.Float64) * 4, atol: 1e-5));
        var wide = new Orthogonal().Call([4, 10]).to_type(ScalarType.Float64);
        Assert.True(wide.matmul(wide.t()).allclose(eye(4, dtype: ScalarType.Float64), atol: 1e-5));
    }

    [Fact]
    public void A_seeded_initializer_returns_the_same_values_every_call_and_unseeded_ones_follow_manual_seed()
    {
        using var scope = NewDisposeScope();
        foreach (Initializer init in new Initializer[] { new GlorotUniform(seed: 3), new HeNormal(seed: 3), new Orthogonal(seed: 3), new RandomNormal(seed: 3) })
        {
            Assert.True(init.Call([5, 4]).equal(init.Call([5, 4])).all().item<bool>(), init.Name);
        }
        Assert.False(new GlorotUniform(seed: 3).Call([5, 4]).equal(new GlorotUniform(seed: 4).Call([5, 4])).all().item<bool>());
        manual_seed(42);
        var a = new HeUniform().Call([5, 4]);
        manual_seed(42);
        Assert.True(a.equal(new HeUniform().Call([5, 4])).all().item<bool>());
    }

    [Fact]
    public void Names_and_errors_are_keras_s()
    {
        Assert.IsType<GlorotUniform>(Initializer.Get("GlorotUniform"));
        Assert.IsType<Zeros>(Initializer.Get("zeros"));
        Assert.Equal("he_normal", new HeNormal().Name);
        Assert.Equal("glorot_uniform", new GlorotUniform().Name);
        var e = Assert.Throws<ArgumentException>(() => Initializer.Get("glorot"));
        Assert.Contains("'glorot'", e.Message);
        Assert.Contains("glorot_uniform", e.Message);
        Assert.Throws<ArgumentException>(() => new Orthogonal().Call([5]));
        Assert.Throws<ArgumentException>(() => new VarianceScaling(mode: "fan_sum"));
    }

    [Fact]
    public void Regularizer_penalties_are_keras_s_and_keep_the_gradient()
    {
        using var scope = NewDisposeScope();
        var w = tensor(new[] { 1f, -2f, 3f }).requires_grad_();
        Assert.Equal(0.01 * 6, new L1().Call(w).item<float>(), 6);
        Assert.Equal(0.01 * 14, new L2().Call(w).item<float>(), 6);
        Assert.Equal(0.5 * 6 + 0.1 * 14, new L1L2(l1: 0.5, l2: 0.1).Call(w).item<float>(), 5);
        Assert.Equal(0, new L1L2().Call(w).item<float>());
        new L2(0.5).Call(w).backward();
        Assert.Equal(new[] { 1f, -2f, 3f }, w.grad!.data<float>().ToArray());   // d(0.5 Σw²)/dw = w
        Assert.IsType<L2>(Regularizer.Get("l2"));
        Assert.IsType<L1L2>(Regularizer.Get("l1_l2"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new L2(-1));
        Assert.Equal("l1_l2", new L1L2().Name);
    }
}
