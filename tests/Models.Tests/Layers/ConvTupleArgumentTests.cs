using Pipeline.Models.Layers;
using Pipeline.Models.Regularizers;
using Pipeline.Models.Tests.Saving;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// SeparableConv2D and Conv2DTranspose take (height, width) kernels and strides as Conv2D does, SeparableConv2D takes
/// Keras's three regularizers, and the convolutions reject bad arguments in Keras's words with the received values.
/// Expected outputs come from the convolutions' definitions written out as index loops.
/// </summary>
public class ConvTupleArgumentTests
{
    static float[] Values(Tensor t) => t.contiguous().cpu().data<float>().ToArray();

    /// <summary>TensorFlow's output size and leading padding for one axis.</summary>
    static (int Size, int Before) Axis(int input, int kernel, int stride, int dilation, string padding)
    {
        int span = (kernel - 1) * dilation + 1;
        if (padding == "valid") return ((input - span) / stride + 1, 0);
        int size = (input + stride - 1) / stride;
        return (size, Math.Max((size - 1) * stride + span - input, 0) / 2);
    }

    [Theory]
    [InlineData("valid", 1)]
    [InlineData("same", 1)]
    [InlineData("same", 2)]
    public void SeparableConv2D_with_a_rectangular_kernel_and_strides_is_a_depthwise_then_a_pointwise_convolution(string padding, int dilation)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        const int N = 2, H = 7, W = 6, C = 3, M = 2, F = 4, KH = 3, KW = 2;
        int SH = dilation == 1 ? 2 : 1, SW = 1;
        using var layer = new SeparableConv2D(F, (KH, KW), (SH, SW), padding, depthMultiplier: M, dilationRate: dilation, biasInitializer: new Initializers.RandomNormal());
        var x = randn(N, H, W, C);
        var y = layer.Apply(x);
        var (oh, top) = Axis(H, KH, SH, dilation, padding);
        var (ow, left) = Axis(W, KW, SW, dilation, padding);
        Assert.Equal(new long[] { N, oh, ow, F }, y.shape);
        Assert.Equal([oh, ow, F], layer.ComputeOutputShape([H, W, C]));

        Assert.Equal(new long[] { KH, KW, C, M }, layer.Weights[0].Shape);
        Assert.Equal(new long[] { 1, 1, C * M, F }, layer.Weights[1].Shape);
        float[] xs = Values(x), dk = Values(layer.Weights[0].Value), pk = Values(layer.Weights[1].Value), b = Values(layer.Weights[2].Value), ys = Values(y);
        for (int n = 0; n < N; n++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    var depthwise = new double[C * M];
                    for (int c = 0; c < C; c++)
                        for (int m = 0; m < M; m++)
                            for (int a = 0; a < KH; a++)
                                for (int bb = 0; bb < KW; bb++)
                                {
                                    int r = i * SH - top + a * dilation, q = j * SW - left + bb * dilation;
                                    if (r < 0 || r >= H || q < 0 || q >= W) continue;
                                    depthwise[c * M + m] += xs[((n * H + r) * W + q) * C + c] * dk[((a * KW + bb) * C + c) * M + m];
                                }
                    for (int f = 0; f < F; f++)
                    {
                        double expected = b[f];
                        for (int k = 0; k < C * M; k++) expected += depthwise[k] * pk[k * F + f];
                        Assert.Equal(expected, ys[((n * oh + i) * ow + j) * F + f], 4);
                    }
                }
    }

    [Theory]
    [InlineData("valid", 3, 4, 2, 1)]
    [InlineData("same", 3, 4, 2, 1)]   // per-axis crops: nothing above, one column on the left
    [InlineData("same", 1, 3, 3, 1)]   // kernel shorter than the stride: the last rows hold only the bias
    [InlineData("valid", 2, 3, 1, 2)]
    public void Conv2DTranspose_with_a_rectangular_kernel_and_strides_scatters_each_input_through_the_kernel(string padding, int kh, int kw, int sh, int sw)
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        const int N = 2, H = 3, W = 4, C = 2, F = 3;
        using var layer = new Conv2DTranspose(F, (kh, kw), (sh, sw), padding, biasInitializer: new Initializers.RandomNormal());
        var x = randn(N, H, W, C);
        var y = layer.Apply(x);
        // The full transposed convolution: input (r, q) adds x · kernel at (r · s + a, q · s + b); "same" keeps the
        // input size times the stride, cropping floor((k - s) / 2) in front as TensorFlow does.
        int fullH = Math.Max((H - 1) * sh + kh, H * sh), fullW = Math.Max((W - 1) * sw + kw, W * sw);
        int oh = padding == "same" ? H * sh : (H - 1) * sh + kh, ow = padding == "same" ? W * sw : (W - 1) * sw + kw;
        int top = padding == "same" ? Math.Max(kh - sh, 0) / 2 : 0, left = padding == "same" ? Math.Max(kw - sw, 0) / 2 : 0;
        Assert.Equal(new long[] { N, oh, ow, F }, y.shape);
        Assert.Equal([oh, ow, F], layer.ComputeOutputShape([H, W, C]));
        Assert.Equal(new long[] { kh, kw, F, C }, layer.Weights[0].Shape);
        float[] xs = Values(x), k = Values(layer.Weights[0].Value), b = Values(layer.Weights[1].Value), ys = Values(y);
        for (int n = 0; n < N; n++)
        {
            var full = new double[fullH, fullW, F];
            for (int r = 0; r < H; r++)
                for (int q = 0; q < W; q++)
                    for (int c = 0; c < C; c++)
                        for (int a = 0; a < kh; a++)
                            for (int bb = 0; bb < kw; bb++)
                                for (int f = 0; f < F; f++)
                                    full[r * sh + a, q * sw + bb, f] += xs[((n * H + r) * W + q) * C + c] * k[((a * kw + bb) * F + f) * C + c];
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int f = 0; f < F; f++)
                        Assert.Equal(full[i + top, j + left, f] + b[f], ys[((n * oh + i) * ow + j) * F + f], 4);
        }
    }

    [Fact]
    public void SeparableConv2D_regularizers_add_their_penalties_to_the_losses_and_survive_a_keras_file()
    {
        var inputs = new Input([6, 6, 2]);
        var conv = new SeparableConv2D(3, (3, 2), (2, 1), "same", depthwiseRegularizer: new L2(0.5), pointwiseRegularizer: new L1(0.25),
            biasRegularizer: new L1L2(l1: 0.125, l2: 2), biasInitializer: new Initializers.RandomNormal(), name: "sep");
        var outputs = new Dense(2).Apply(new Flatten().Apply(conv.Apply(inputs)));
        using var model = new Model(inputs, outputs);
        using (var scope = NewDisposeScope())
        {
            var penalties = model.Losses.Select(t => t.item<float>()).ToArray();
            var (dw, pw, bias) = (conv.Weights[0].Value, conv.Weights[1].Value, conv.Weights[2].Value);
            double expectedDepthwise = 0.5 * Values(dw).Sum(v => (double)v * v);
            double expectedPointwise = 0.25 * Values(pw).Sum(v => Math.Abs((double)v));
            double expectedBias = Values(bias).Sum(v => 0.125 * Math.Abs((double)v) + 2.0 * v * v);
            Assert.Equal(3, penalties.Length);
            Assert.Equal(expectedDepthwise, penalties[0], 4);
            Assert.Equal(expectedPointwise, penalties[1], 4);
            Assert.Equal(expectedBias, penalties[2], 4);
        }

        var config = conv.GetConfig();
        Assert.Equal(new[] { 3, 2 }, config["kernel_size"]);
        Assert.Equal(new[] { 2, 1 }, config["strides"]);
        Assert.NotNull(config["depthwise_regularizer"]);
        Assert.NotNull(config["pointwise_regularizer"]);
        Assert.NotNull(config["bias_regularizer"]);

        using var folder = new TempDir();
        var path = folder.File("separable.keras");
        model.Save(path);
        using var restored = Models.LoadModel(path);
        var sep = Assert.IsType<SeparableConv2D>(restored.GetLayer("sep"));
        Assert.Equal((3, 2), sep.KernelSize);
        Assert.Equal((2, 1), sep.Strides);
        Assert.Equal(0.5, Assert.IsType<L2>(sep.DepthwiseRegularizer).L2Factor);
        Assert.Equal(0.25, Assert.IsType<L1>(sep.PointwiseRegularizer).L1Factor);
        var biasRegularizer = Assert.IsType<L1L2>(sep.BiasRegularizer);
        Assert.Equal((0.125, 2.0), (biasRegularizer.L1Factor, biasRegularizer.L2Factor));
        using (var scope = NewDisposeScope())
            Assert.Equal(model.Losses.Select(t => t.item<float>()), restored.Losses.Select(t => t.item<float>()));
    }

    [Fact]
    public void Strides_above_one_and_dilation_above_one_are_refused_with_the_received_values()
    {
        var conv2d = Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, strides: 2, dilationRate: 2));
        Assert.Equal("dilationRate", conv2d.ParamName);
        Assert.Contains("Conv2D: `strides > 1` not supported in conjunction with `dilationRate > 1`. Received: strides=(2, 2) and dilationRate=(2, 2).", conv2d.Message);
        var tuple = Assert.Throws<ArgumentException>(() => new Conv2D(4, (3, 3), (1, 2), dilationRate: (2, 1)));
        Assert.Contains("strides=(1, 2) and dilationRate=(2, 1)", tuple.Message);
        var conv1d = Assert.Throws<ArgumentException>(() => new Conv1D(4, 3, strides: 3, dilationRate: 2));
        Assert.Contains("Conv1D: `strides > 1` not supported in conjunction with `dilationRate > 1`. Received: strides=3 and dilationRate=2.", conv1d.Message);
        var transpose = Assert.Throws<ArgumentException>(() => new Conv2DTranspose(4, (3, 3), (2, 1), dilationRate: 2));
        Assert.Contains("Conv2DTranspose: `strides > 1`", transpose.Message);
        Assert.Contains("strides=(2, 1) and dilationRate=(2, 2)", transpose.Message);
        // Depthwise and separable convolutions allow both, as in Keras 3.
        using var depthwise = new SeparableConv2D(2, 3, strides: 2, dilationRate: 2, padding: "same");
        using var y = depthwise.Apply(zeros(1, 8, 8, 1));
        Assert.Equal(new long[] { 1, 4, 4, 2 }, y.shape);
    }

    [Fact]
    public void Non_positive_sizes_are_refused_naming_the_argument_and_the_received_value()
    {
        var kernel = Assert.Throws<ArgumentOutOfRangeException>(() => new SeparableConv2D(4, (3, 0)));
        Assert.Equal("kernelSize", kernel.ParamName);
        Assert.Contains("SeparableConv2D: the `kernelSize` argument must be a tuple of 2 positive integers. Received kernelSize=(3, 0), including values {0}", kernel.Message);
        var strides = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTranspose(4, (3, 3), (-1, 0)));
        Assert.Contains("Received strides=(-1, 0), including values {-1, 0}", strides.Message);
        var filters = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(0, 3));
        Assert.Contains("Conv2D: invalid value for argument `filters`. Expected a strictly positive value. Received filters=0.", filters.Message);
        var groups = Assert.Throws<ArgumentException>(() => new Conv2D(5, 3, groups: 2));
        Assert.Contains("Received: groups=2, filters=5", groups.Message);
    }
}
