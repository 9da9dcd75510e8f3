using System.Text.Json.Nodes;
using Pipeline.Models.Layers;
using Pipeline.Models.Losses;
using Pipeline.Models.Optimizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Saving;

/// <summary>
/// Whole models saved by Keras 2's <c>model.save("x.h5")</c> (MLCommons Tiny's reference models): the graph is rebuilt
/// from <c>model_config</c>, the weights come from <c>model_weights</c>, the training config compiles the model, and
/// the result predicts what the fixture's independent numpy implementation predicts.
/// </summary>
public class KerasFullModelH5Tests
{
    static string Fixture(string file) => RepositoryPaths.Fixture("keras-full-model-h5", file);

    static Dictionary<string, int> LayerKinds(Model model) =>
        model.Layers.GroupBy(l => l.GetType().Name).ToDictionary(g => g.Key, g => g.Count());

    static long Count(IEnumerable<Variable> weights) => weights.Sum(w => w.Value.numel());

    [Fact]
    public void Visual_wake_words_model_rebuilds_with_Keras_layer_and_parameter_counts_and_compiles_from_its_training_config()
    {
        using var model = Models.LoadModel(Fixture("vww_96.h5"));
        Assert.Equal([96, 96, 3], model.Inputs[0].Shape);
        var kinds = LayerKinds(model);
        Assert.Equal(14, kinds["Conv2D"]);
        Assert.Equal(13, kinds["DepthwiseConv2D"]);
        Assert.Equal(27, kinds["BatchNormalization"]);
        Assert.Equal(27, kinds["Activation"]);
        Assert.Equal(1, kinds["AveragePooling2D"]);
        Assert.Equal(1, kinds["Dense"]);
        // PROVENANCE: 221,794 / 216,322 / 5,472.
        Assert.Equal(221_794, model.CountParams());
        Assert.Equal(216_322, Count(model.TrainableWeights));
        Assert.Equal(5_472, Count(model.NonTrainableWeights));
        Assert.IsType<Adam>(model.Optimizer);
        Assert.IsType<CategoricalCrossentropy>(model.Loss);
    }

    /// <summary>
    /// Whether a nearest-neighbour resize picks the same source rows as PIL (which the fixture's reference and Keras's
    /// flow_from_directory use). PIL steps the source coordinate by in / out in double precision, accumulating rounding;
    /// TensorFlow, and our Image.Resize, compute floor((i + 0.5) * in / out) in float32. The two differ by one row at a
    /// few ties (320 -> 96 at i = 25), which moves a probability by up to 0.05: such photos are compared by class only.
    /// </summary>
    static bool SameNearestRowsAsPil(long input, int output)
    {
        double step = input / (double)output, position = step * 0.5;
        for (int i = 0; i < output; i++, position += step)
        {
            var pil = Math.Min((long)position, input - 1);
            var tf = Math.Min((long)MathF.Floor((i + 0.5f) * (input / (float)output)), input - 1);
            if (pil != tf) return false;
        }
        return true;
    }

    [Fact]
    public void Visual_wake_words_model_predicts_the_reference_probabilities_for_the_cats_and_dogs_test_photos()
    {
        using var model = Models.LoadModel(Fixture("vww_96.h5"), compile: false);
        var reference = JsonNode.Parse(File.ReadAllText(Fixture("reference_vww96_cats_vs_dogs_numpy.json")))!["predictions"]!.AsObject();
        var files = reference.Select(kv => kv.Key).Where(k => k.StartsWith("test/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(40, files.Count);

        using var scope = NewDisposeScope();
        // The fixture's recipe: flow_from_directory's default nearest-neighbour resize to 96x96, then /255.
        var decoded = files.Select(f => Image.DecodeJpeg(File.ReadAllBytes(RepositoryPaths.Fixture("cats-vs-dogs", f)), channels: 3)).ToArray();
        var batch = stack(decoded.Select(p => Image.Resize(p, 96, 96, method: "nearest")).ToArray()).to(ScalarType.Float32) / 255f;
        var predicted = model.Predict(batch, verbose: 0).ToArray<float>();

        double worst = 0;
        int compared = 0;
        for (int i = 0; i < files.Count; i++)
        {
            var expected = reference[files[i]]!.AsArray().Select(v => (double)v!).ToArray();
            Assert.True((expected[0] > 0.5) == (predicted[2 * i] > 0.5), $"{files[i]}: p(notperson) {predicted[2 * i]} against {expected[0]}");
            if (!SameNearestRowsAsPil(decoded[i].shape[0], 96) || !SameNearestRowsAsPil(decoded[i].shape[1], 96)) continue;
            compared++;
            worst = Math.Max(worst, Math.Abs(expected[0] - predicted[2 * i]));
        }
        // Same pixels in (the JPEG decoders agree), so only float32 summation order is left over 28 layers; the
        // reference itself is rounded to 6 digits.
        Assert.True(compared >= 35, $"only {compared} photos resize to the same pixels as PIL");
        Assert.True(worst < 1e-5, $"max |p(notperson) - reference| = {worst} over {compared} photos");
    }

    [Fact]
    public void Streaming_wake_word_model_rebuilds_and_tolerates_the_Custom_Adam_quirk_of_Keras_2_14()
    {
        using var model = Models.LoadModel(Fixture("str_ww_ref_model.h5"));
        Assert.Equal([30, 1, 40], model.Inputs[0].Shape);
        var kinds = LayerKinds(model);
        Assert.Equal(4, kinds["DepthwiseConv2D"]);
        Assert.Equal(4, kinds["Conv2D"]);
        Assert.Equal(4, kinds["BatchNormalization"]);
        Assert.Equal(4, kinds["Dropout"]);
        // PROVENANCE: 47,707 / 46,875 / 832.
        Assert.Equal(47_707, model.CountParams());
        Assert.Equal(46_875, Count(model.TrainableWeights));
        Assert.Equal(832, Count(model.NonTrainableWeights));
        Assert.IsType<Adam>(model.Optimizer);

        using var scope = NewDisposeScope();
        var output = model.Predict(randn(2, 30, 1, 40), verbose: 0);
        Assert.Equal(new long[] { 2, 3 }, output.shape);
        Assert.All(output.sum(1).ToArray<float>(), s => Assert.Equal(1f, s, 4));
    }
}
