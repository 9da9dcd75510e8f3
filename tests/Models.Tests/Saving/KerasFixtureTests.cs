using NumSharp;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;

namespace Pipeline.Models.Tests.Saving;

/// <summary>Files written by Keras itself, loaded into our models and checked against Keras's own outputs.</summary>
public class KerasFixtureTests
{
    static string Mlp(string file) => RepositoryPaths.Fixture("keras-h5", "dl4j_mnist_mlp", file);

    static (NDArray Inputs, NDArray Predictions) KerasOutputs()
    {
        using var reader = H5Reader.Open(Mlp("mnist_mlp_tf_keras_2_inputs_and_outputs.h5"));
        using var inputs = reader.ReadTensor("inputs/dense_1_input");
        using var predictions = reader.ReadTensor("predictions/dense_3");
        return (inputs.ToNDArray(), predictions.ToNDArray());
    }

    static void AssertClose(NDArray expected, NDArray actual, double tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        var e = expected.ToArray<float>();
        var a = actual.ToArray<float>();
        double worst = 0;
        for (int i = 0; i < e.Length; i++) worst = Math.Max(worst, Math.Abs(e[i] - a[i]));
        Assert.True(worst <= tolerance, $"max |difference| {worst} > {tolerance}");
    }

    [Fact]
    public void Keras_2_weights_loaded_by_position_into_a_model_built_in_code_reproduce_Keras_predictions()
    {
        using var model = new Sequential(
        [
            new Input([784]),
            new Dense(512, activation: "relu"),
            new Dropout(0.2),
            new Dense(512, activation: "relu"),
            new Dropout(0.2),
            new Dense(10, activation: "softmax"),
        ]);
        model.LoadWeights(Mlp("mnist_mlp_tf_keras_2_weights.h5"));
        var (inputs, predictions) = KerasOutputs();
        AssertClose(predictions, model.Predict(inputs, verbose: 0), 1e-5);
    }

    [Fact]
    public void Keras_2_weights_load_by_name_into_a_model_whose_layers_carry_Keras_names()
    {
        using var model = new Sequential(
        [
            new Input([784]),
            new Dense(10, activation: "softmax", name: "dense_3"),
        ]);
        var before = model.Layers[0].GetWeights();
        // By position this model (one Dense) does not fit the file (three); by name only dense_3 is loaded.
        Assert.Throws<KerasFileException>(() => model.LoadWeights(Mlp("mnist_mlp_tf_keras_2_weights.h5")));
        Assert.Equal(before[0].ToArray<float>(), model.Layers[0].GetWeights()[0].ToArray<float>());
        var e = Assert.Throws<KerasFileException>(() => model.LoadWeights(Mlp("mnist_mlp_tf_keras_2_weights.h5"), byName: true));
        Assert.Contains("dense_3", e.Message);
        Assert.Contains("(784, 10)", e.Message);
        Assert.Contains("(512, 10)", e.Message);
    }

    [Fact]
    public void A_Keras_2_architecture_json_rebuilds_the_model_and_its_weights_reproduce_Keras_predictions()
    {
        var json = File.ReadAllText(Mlp("mnist_mlp_tf_keras_2_config.json"));
        var binder = new ConfigBinder("mnist_mlp_tf_keras_2_config.json", null);
        using var model = ModelConfig.DeserializeModel(JsonConfig.Parse(json, binder.FileName, "config"), binder);
        Assert.IsType<Sequential>(model);
        Assert.Equal(["dense_1", "dropout_1", "dense_2", "dropout_2", "dense_3"], model.Layers.Select(l => l.Name));
        Assert.Equal(669_706, model.CountParams());
        model.LoadWeights(Mlp("mnist_mlp_tf_keras_2_weights.h5"), byName: true);
        var (inputs, predictions) = KerasOutputs();
        AssertClose(predictions, model.Predict(inputs, verbose: 0), 1e-5);
    }
}
