using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Saving;

/// <summary>
/// A <c>.keras</c> file written by Keras 3.14 in Python (a small transformer over length-50 sequences) loads into a
/// working model: its weight groups are named by class plus counter, not by layer name, and its predictions on the
/// three noiseless prototypes match the fixture's independent reference.
/// </summary>
public class Keras3ArchiveTests
{
    static string Fixture => RepositoryPaths.Fixture("keras3-transformer", "transformer_model.keras");

    /// <summary>The generating script's classes without noise: t = linspace(0, 4, 50).</summary>
    static float[] Prototype(int kind) => Enumerable.Range(0, 50).Select(i =>
    {
        var t = 4.0 * i / 49;
        return (float)(kind switch { 0 => 0.4 * t, 1 => -0.4 * t, _ => 0.8 * Math.Sin(3.14 * t) });
    }).ToArray();

    [Fact]
    public void Keras_3_transformer_loads_and_predicts_the_reference_probabilities_for_the_three_prototypes()
    {
        using var model = Models.LoadModel(Fixture);
        Assert.Equal(["input_layer", "layer_normalization", "multi_head_attention", "dropout_1", "add", "layer_normalization_1",
            "conv1d", "dropout_2", "conv1d_1", "add_1"], model.Layers.Take(10).Select(l => l.Name));
        using var scope = NewDisposeScope();
        var x = tensor(Enumerable.Range(0, 3).SelectMany(Prototype).ToArray()).reshape(3, 50, 1);
        var p = model.Predict(x, verbose: 0).ToArray<float>();
        float[][] expected = [[0.935746f, 0.006532f, 0.057722f], [0.001637f, 0.983988f, 0.014375f], [0.066647f, 0.046267f, 0.887086f]];
        for (int row = 0; row < 3; row++)
            for (int k = 0; k < 3; k++)
                Assert.True(Math.Abs(expected[row][k] - p[3 * row + k]) < 1e-4, $"prototype {row}, class {k}: {p[3 * row + k]} against {expected[row][k]}");
    }
}
