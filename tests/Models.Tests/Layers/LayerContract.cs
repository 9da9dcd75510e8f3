using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// The contract every layer honours, in the spirit of Keras's <c>run_layer_test</c>: a layer is built by its first call;
/// eager and symbolic application agree with <see cref="Layer.ComputeOutputShape(int[])"/> (and with the expected shape
/// when given); the weight counts are the expected ones, with distinct paths; the config has the base keys and the
/// layer's own, and rebuilding the layer from it (as loading a file does) gives the same config; the rebuilt layer with
/// the original's weights computes the same outputs; inference is deterministic; a training step changes every
/// trainable weight and no non-trainable one (unless the layer updates statistics in its forward pass); a frozen layer
/// has no trainable weights; and the input gradient matches finite differences.
/// </summary>
internal static class LayerContract
{
    internal static void Run(Func<Layer> create, int[][] inputShapes, int trainable, int nonTrainable, string[] configKeys,
        bool forwardUpdatesNonTrainable = false, bool checkInputGradient = true, bool integerInput = false, string[]? zeroGradient = null,
        int[]? expectedOutputShape = null, bool configRoundTrip = true)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        Tensor MakeInput(int[] s) => integerInput ? randint(0, 10, [2, .. s.Select(d => (long)d)]) : randn([2, .. s.Select(d => (long)d)]);
        var inputs = inputShapes.Select(MakeInput).ToArray();
        using var layer = create();
        Assert.False(layer.Built, $"{layer.GetType().Name}: built before its first call");

        // Shapes: eager output, ComputeOutputShape and the functional (symbolic) output agree.
        var output = inputs.Length == 1 ? layer.Apply(inputs[0]) : layer.Apply(inputs);
        int[] eager = [.. output.shape.Skip(1).Select(d => (int)d)];
        int[] declared = inputShapes.Length == 1 ? layer.ComputeOutputShape(inputShapes[0]) : layer.ComputeOutputShape(inputShapes);
        Assert.Equal(declared, eager);
        Assert.True(layer.Built);
        if (expectedOutputShape is not null) Assert.Equal(expectedOutputShape, eager);
        using (var symbolicTwin = create())
        {
            var symbolicInputs = inputShapes.Select(s => (KerasTensor)new Input(s)).ToArray();
            var symbolic = symbolicInputs.Length == 1 ? symbolicTwin.Apply(symbolicInputs[0]) : symbolicTwin.Apply(symbolicInputs);
            Assert.Equal(declared, symbolic.Shape.ToArray());
        }

        // Weights.
        Assert.Equal(trainable, layer.TrainableWeights.Count);
        Assert.Equal(nonTrainable, layer.NonTrainableWeights.Count);
        Assert.Equal(layer.Weights.Sum(w => w.Shape.Aggregate(1L, (a, b) => a * b)), layer.CountParams());
        Assert.Equal(layer.Weights.Count, layer.Weights.Select(w => w.Path).Distinct().Count());

        // Config.
        var config = layer.GetConfig();
        foreach (var key in new[] { "name", "trainable", "dtype" }.Concat(configKeys)) Assert.True(config.ContainsKey(key), $"{layer.GetType().Name}: config lacks \"{key}\"");

        // Config and weights round trip: Keras's cls(**config) gives the same config, and with the original's
        // weights the same outputs. (A Lambda's function is code, not config: it opts out.)
        if (configRoundTrip)
        {
            var json = (System.Text.Json.Nodes.JsonObject)JsonConfig.ToJson(config)!;
            using var rebuilt = (Layer)new ConfigBinder("contract", null).Construct(layer.GetType(), json, "contract");
            Assert.Equal(JsonConfig.Write(json), JsonConfig.Write(JsonConfig.ToJson(rebuilt.GetConfig())!));
            _ = inputs.Length == 1 ? rebuilt.Apply(inputs[0]) : rebuilt.Apply(inputs);
            rebuilt.SetWeights(layer.GetWeights());
            var same = inputs.Length == 1 ? rebuilt.Apply(inputs[0]) : rebuilt.Apply(inputs);
            Assert.True(same.allclose(output, rtol: 1e-5, atol: 1e-6), $"{layer.GetType().Name}: the layer rebuilt from its config, with SetWeights(GetWeights()), computes different outputs");
        }

        // Inference is deterministic.
        var again = inputs.Length == 1 ? layer.Apply(inputs[0]) : layer.Apply(inputs);
        Assert.True(again.allclose(output), $"{layer.GetType().Name}: two inference calls differ");

        // A training step changes trainable weights only.
        var before = layer.Weights.Select(w => w.Value.detach().clone()).ToArray();
        using (var tape = new GradientTape())
        {
            var y = inputs.Length == 1 ? layer.Apply(inputs[0], training: true) : layer.Apply(inputs, training: true);
            // A random linear term breaks symmetries under which a plain sum of squares has zero gradient (e.g. a fresh
            // BatchNormalization's beta).
            using var direction = randn_like(y, dtype: ScalarType.Float32);
            var loss = y.to_type(ScalarType.Float32).square().mean().add(y.to_type(ScalarType.Float32).mul(direction).mean(), Training.Scalars.One);
            var grads = tape.Gradient(loss, layer.TrainableWeights);
            Assert.All(grads, g => Assert.NotNull(g));
            new SGD(learningRate: 0.1).ApplyGradients(grads, layer.TrainableWeights);
        }
        for (int i = 0; i < layer.Weights.Count; i++)
        {
            var w = layer.Weights[i];
            bool changed = !w.Value.allclose(before[i]);
            // Some weights have an identically zero gradient by construction (MultiHeadAttention's key bias shifts every
            // logit of a query equally, which softmax ignores), as in Keras.
            if (zeroGradient?.Contains(w.Name) == true) Assert.False(changed, $"{layer.GetType().Name}: {w.Name} should get no gradient");
            else if (layer.TrainableWeights.Contains(w)) Assert.True(changed, $"{layer.GetType().Name}: trainable weight {w.Name} did not change");
            else if (!forwardUpdatesNonTrainable) Assert.False(changed, $"{layer.GetType().Name}: non-trainable weight {w.Name} changed");
        }

        if (checkInputGradient && !integerInput) CheckInputGradient(layer, inputs);

        // Frozen, every weight is non-trainable.
        layer.Trainable = false;
        Assert.Empty(layer.TrainableWeights);
        Assert.Equal(trainable + nonTrainable, layer.NonTrainableWeights.Count);
    }

    /// <summary>Directional derivative of sum(output · r) along a random v: autograd against central differences (float64 inputs through float32 weights).</summary>
    static void CheckInputGradient(Layer layer, Tensor[] inputs)
    {
        var x = inputs.Select(t => t.detach().clone().requires_grad_()).ToArray();
        var r = randn_like(x.Length == 1 ? layer.Apply(x[0]) : layer.Apply(x));
        Tensor Objective(Tensor[] xs) => (xs.Length == 1 ? layer.Apply(xs[0]) : layer.Apply(xs)).to_type(ScalarType.Float64).mul(r.to_type(ScalarType.Float64)).sum();
        Objective(x).backward();
        var v = x.Select(t => randn_like(t)).ToArray();
        double analytic = x.Zip(v).Sum(p => p.First.grad!.to_type(ScalarType.Float64).mul(p.Second.to_type(ScalarType.Float64)).sum().item<double>());
        const double h = 5e-3;
        double numeric;
        using (no_grad())
        {
            var plus = x.Zip(v).Select(p => p.First.detach() + p.Second * h).ToArray();
            var minus = x.Zip(v).Select(p => p.First.detach() - p.Second * h).ToArray();
            numeric = (Objective(plus).item<double>() - Objective(minus).item<double>()) / (2 * h);
        }
        Assert.True(Math.Abs(analytic - numeric) <= 2e-2 * Math.Max(1, Math.Abs(numeric)),
            $"{layer.GetType().Name}: input gradient {analytic} vs finite differences {numeric}");
    }
}
