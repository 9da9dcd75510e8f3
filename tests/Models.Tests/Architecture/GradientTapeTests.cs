using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

public class GradientTapeTests
{
    [Fact]
    public void Gradient_of_a_quadratic_is_its_derivative()
    {
        using var w = new Variable(tensor(new float[] { 1, 2, 3 }), name: "w");
        using var tape = new GradientTape();
        var loss = (w.Value * w.Value).sum();
        var grad = tape.Gradient(loss, w)!;
        Assert.Equal(new float[] { 2, 4, 6 }, grad.data<float>().ToArray());
    }

    [Fact]
    public void Unconnected_variables_get_null_and_a_second_call_needs_a_persistent_tape()
    {
        using var used = new Variable(ones(2));
        using var unused = new Variable(ones(2));
        using var frozen = new Variable(ones(2), trainable: false);
        using (var tape = new GradientTape())
        {
            var loss = used.Value.sum();
            var grads = tape.Gradient(loss, [used, unused, frozen]);
            Assert.NotNull(grads[0]);
            Assert.Null(grads[1]);
            Assert.Null(grads[2]);
            var e = Assert.Throws<InvalidOperationException>(() => tape.Gradient(loss, [used]));
            Assert.Contains("non-persistent", e.Message);
        }
        using (var tape = new GradientTape(persistent: true))
        {
            var loss = (used.Value * 3).sum();
            Assert.Equal(3f, tape.Gradient(loss, used)![0].item<float>());
            Assert.Equal(3f, tape.Gradient(loss, used)![1].item<float>());
        }
    }

    [Fact]
    public void Watch_gives_gradients_for_plain_tensors_and_non_trainable_variables()
    {
        using var x = tensor(new float[] { 2 });
        using var stat = new Variable(tensor(new float[] { 5 }), trainable: false);
        using (var tape = new GradientTape())
        {
            tape.Watch(x);
            tape.Watch(stat);
            var y = x * x * stat.Value;
            var grads = tape.Gradient(y, [x, stat.Value]);
            Assert.Equal(20f, grads[0]!.item<float>());
        }
        Assert.False(x.requires_grad);
    }

    [Fact]
    public void Gradients_of_a_conv_kernel_come_in_kerass_layout_and_match_finite_differences()
    {
        manual_seed(3);
        var conv = new Conv2D(2, (2, 3), padding: "same", name: "c");
        using var x = randn(1, 4, 5, 3, dtype: ScalarType.Float64).to_type(ScalarType.Float32);
        conv.Apply(x);
        Tensor Loss() => conv.Apply(x).pow(2).sum();
        Tensor grad;
        using (var tape = new GradientTape()) grad = tape.Gradient(Loss(), conv.Kernel!)!;
        Assert.Equal([2L, 3, 3, 2], grad.shape);
        const double h = 1e-2;
        var kernel = conv.Kernel!;
        foreach (var index in new long[][] { [0, 0, 0, 0], [1, 2, 1, 1], [0, 1, 2, 0] })
        {
            var delta = zeros(kernel.Shape);
            delta[index[0], index[1], index[2], index[3]] = tensor(h, ScalarType.Float32);
            kernel.AssignAdd(delta);
            double plus = Loss().item<float>();
            kernel.AssignSub(delta * 2);
            double minus = Loss().item<float>();
            kernel.AssignAdd(delta);
            double numeric = (plus - minus) / (2 * h);
            double analytic = grad[index[0], index[1], index[2], index[3]].item<float>();
            Assert.True(Math.Abs(numeric - analytic) < 2e-2 * Math.Max(1, Math.Abs(analytic)), $"at [{string.Join(",", index)}]: numeric {numeric}, analytic {analytic}");
        }
    }

    [Fact]
    public void A_tape_loop_with_apply_gradients_trains_a_model()
    {
        var (x, y) = TinyData.Blocks(60, seed: 6);
        using var model = TinyData.SmallCnn();
        var optimizer = new Optimizers.Adam(learningRate: 0.02);
        double first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            using var scope = NewDisposeScope();
            using var tape = new GradientTape();
            var probabilities = model.Apply(x, training: true);
            var loss = nn.functional.nll_loss(probabilities.clamp_min(1e-7).log(), y);
            var grads = tape.Gradient(loss, model.TrainableVariables);
            optimizer.ApplyGradients(grads, model.TrainableVariables);
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first * 0.5, $"loss {first} -> {last}");
        Assert.Equal(30, optimizer.Iterations);
    }
}
