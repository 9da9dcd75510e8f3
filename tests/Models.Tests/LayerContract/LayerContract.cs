using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Contracts;

/// <summary>
/// The checks every layer goes through, after Keras's <c>run_layer_test</c>: the eager output shape, the same shape
/// from <c>ComputeOutputShape</c> and from symbolic application, the number of trainable and non-trainable weights,
/// a config round trip (GetConfig, then the constructor from that config, then GetConfig again), a weights round trip
/// (GetWeights/SetWeights give the same outputs), and a training step that moves trainable weights only.
/// </summary>
internal static class RunLayerTest
{
    /// <summary>Runs every check on layers made by <paramref name="create"/> (called several times, each a new layer).</summary>
    /// <param name="create">Makes a fresh, unbuilt layer.</param>
    /// <param name="inputShapes">One sample shape per input (batch excluded).</param>
    /// <param name="expectedOutputShape">The sample shape the output must have.</param>
    /// <param name="trainableWeights">How many trainable weights the built layer has.</param>
    /// <param name="nonTrainableWeights">How many non-trainable weights.</param>
    /// <param name="nonTrainableChangeInTraining">True for layers whose statistics move in a training call (BatchNormalization).</param>
    /// <param name="randomInTraining">True for layers whose training output is random (Dropout): outputs are compared in inference only.</param>
    internal static void Run(Func<Layer> create, int[][] inputShapes, int[] expectedOutputShape, int trainableWeights = 0, int nonTrainableWeights = 0,
        bool nonTrainableChangeInTraining = false, bool randomInTraining = false)
    {
        manual_seed(0);
        using var scope = NewDisposeScope();
        var inputs = inputShapes.Select(s => randn([3, .. s.Select(d => (long)d)])).ToArray();
        var layer = create();
        Assert.False(layer.Built);

        // Eager call builds the layer and gives the expected shape.
        var output = layer.Apply(inputs, training: false);
        Assert.True(layer.Built);
        Assert.Equal([3L, .. expectedOutputShape.Select(d => (long)d)], output.shape);
        Assert.Equal(expectedOutputShape, inputShapes.Length == 1 ? layer.ComputeOutputShape(inputShapes[0]) : layer.ComputeOutputShape(inputShapes));
        Assert.Equal(trainableWeights, layer.TrainableWeights.Count);
        Assert.Equal(nonTrainableWeights, layer.NonTrainableWeights.Count);
        Assert.Equal(layer.Weights.Count, layer.Weights.Select(w => w.Path).Distinct().Count());
        Assert.Equal(layer.CountParams(), layer.GetWeights().Sum(w => (long)w.size));

        // Symbolic application infers the same shape.
        var symbolic = create();
        var kerasInputs = inputShapes.Select(s => (KerasTensor)new Input(s)).ToArray();
        var kerasOutput = symbolic.Apply(kerasInputs);
        Assert.Equal(expectedOutputShape, kerasOutput.Shape);

        // Config round trip: Keras's cls(**config), then the same config again.
        var config = layer.GetConfig();
        foreach (var key in new[] { "name", "trainable", "dtype" }) Assert.True(config.ContainsKey(key), $"{layer.GetType().Name}.GetConfig() lacks \"{key}\"");
        var json = (System.Text.Json.Nodes.JsonObject)JsonConfig.ToJson(config)!;
        var rebuilt = (Layer)new ConfigBinder("contract", null).Construct(layer.GetType(), json, "contract");
        Assert.Equal(JsonConfig.Write(json), JsonConfig.Write(JsonConfig.ToJson(rebuilt.GetConfig())!));

        // Weights round trip: the rebuilt layer with the original's weights computes the same outputs.
        rebuilt.Apply(inputs, training: false);
        rebuilt.SetWeights(layer.GetWeights());
        var again = rebuilt.Apply(inputs, training: false);
        Assert.True(again.allclose(output, rtol: 1e-5, atol: 1e-6), $"{layer.GetType().Name}: SetWeights(GetWeights()) changed the output");
        if (!randomInTraining)
            Assert.True(layer.Apply(inputs, training: false).allclose(output), $"{layer.GetType().Name}: inference is not deterministic");

        // A training step moves trainable weights and leaves the others alone.
        var trainableBefore = layer.TrainableWeights.Select(w => w.Value.detach().clone()).ToArray();
        var frozenBefore = layer.NonTrainableWeights.Select(w => w.Value.detach().clone()).ToArray();
        using (var tape = new GradientTape())
        {
            var loss = layer.Apply(inputs, training: true).square().mean();
            var grads = tape.Gradient(loss, layer.TrainableWeights);
            Assert.All(grads, g => Assert.NotNull(g));
            new Optimizers.SGD(learningRate: 0.1).ApplyGradients(grads, layer.TrainableWeights);
        }
        for (int i = 0; i < trainableBefore.Length; i++)
            Assert.False(layer.TrainableWeights[i].Value.allclose(trainableBefore[i], rtol: 0, atol: 0), $"{layer.TrainableWeights[i].Path} did not move in a training step");
        if (!nonTrainableChangeInTraining)
            for (int i = 0; i < frozenBefore.Length; i++)
                Assert.True(layer.NonTrainableWeights[i].Value.allclose(frozenBefore[i], rtol: 0, atol: 0), $"{layer.NonTrainableWeights[i].Path} moved in a training step");

        // Frozen, nothing moves, whatever the training step does.
        layer.Trainable = false;
        Assert.Empty(layer.TrainableWeights);
        Assert.Equal(trainableWeights + nonTrainableWeights, layer.NonTrainableWeights.Count);
        layer.Dispose();
        rebuilt.Dispose();
        symbolic.Dispose();
    }
}
