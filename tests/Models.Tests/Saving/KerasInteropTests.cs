using System.Text.Json.Nodes;
using static Pipeline.Models.Tests.Saving.SavingTestKit;

namespace Pipeline.Models.Tests.Saving;

/// <summary>
/// Our .keras and .weights.h5 files read by h5py and Python's zipfile (Debian's python3-h5py, installed by .ci/run):
/// the group and dataset names, shapes and dtypes Keras 3 writes for the same model (layout rules of Keras's
/// saving_lib), checked with the same script against a .keras file Keras 3.14 wrote.
/// </summary>
public class KerasInteropTests
{
    static JsonObject Layout(string path)
    {
        var output = PythonScript(Path.Combine(AppContext.BaseDirectory, "Saving", "keras_layout.py"), path);
        return JsonNode.Parse(output)!.AsObject();
    }

    static Dictionary<string, (string Shape, string Dtype)> Datasets(JsonObject weights) =>
        weights["datasets"]!.AsObject().ToDictionary(kv => kv.Key, kv => (kv.Value!["shape"]!.ToJsonString(), (string)kv.Value!["dtype"]!));

    /// <summary>Conventions every Keras 3 weights file follows; checked on Keras's own file and on ours.</summary>
    static void AssertKeras3Conventions(JsonObject weights)
    {
        var groups = weights["groups"]!.AsObject();
        foreach (var (name, attrs) in groups)
            if (name.EndsWith("/vars", StringComparison.Ordinal) || name == "vars")
                Assert.True(attrs!.AsObject().ContainsKey("name"), $"vars group '{name}' has a name attribute");
        foreach (var (name, info) in Datasets(weights))
        {
            var parts = name.Split('/');
            Assert.Equal("vars", parts[^2]);
            Assert.True(int.TryParse(parts[^1], out _), $"dataset '{name}' is named by an index");
        }
        var datasets = Datasets(weights);
        Assert.Equal(("[]", "<i8"), datasets["optimizer/vars/0"]);   // iterations
        Assert.Equal(("[]", "<f4"), datasets["optimizer/vars/1"]);   // learning_rate
        Assert.All(datasets.Where(d => !d.Key.StartsWith("optimizer/vars/0", StringComparison.Ordinal)), d => Assert.Equal("<f4", d.Value.Dtype));
        Assert.True(groups.ContainsKey("vars"));
    }

    [Fact]
    public void The_Keras_written_fixture_satisfies_the_conventions_this_test_checks()
    {
        var layout = Layout(RepositoryPaths.Fixture("keras3-transformer", "transformer_model.keras"));
        AssertKeras3Conventions(layout["weights"]!.AsObject());
        Assert.All(layout["members"]!.AsArray(), m => Assert.Equal(0, (int)m!["compress_type"]!));
    }

    [Fact]
    public void Our_keras_file_has_Keras_3_members_config_and_weight_layout()
    {
        using var folder = new TempDir();
        var (x, y) = TinyData.Blocks(32, seed: 9);
        using var model = SequentialCnn();
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        model.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0);
        var path = folder.File("cnn.keras");
        model.Save(path);

        var layout = Layout(path);
        // Zip members as Keras writes them: stored (not deflated), these three names.
        Assert.Equal(["config.json", "metadata.json", "model.weights.h5"], layout["members"]!.AsArray().Select(m => (string)m!["name"]!).Order());
        Assert.All(layout["members"]!.AsArray(), m => Assert.Equal(0, (int)m!["compress_type"]!));
        Assert.Equal("3.14.0", (string?)layout["metadata"]!["keras_version"]);
        Assert.NotNull(layout["metadata"]!["date_saved"]);
        var config = layout["config"]!.AsObject();
        Assert.Equal("Sequential", (string?)config["class_name"]);
        Assert.Equal("keras", (string?)config["module"]);
        var layers = config["config"]!["layers"]!.AsArray();
        Assert.Equal(["InputLayer", "Conv2D", "MaxPooling2D", "Flatten", "Dense"], layers.Select(l => (string)l!["class_name"]!));
        Assert.Equal("[null,8,8,1]", layers[0]!["config"]!["batch_shape"]!.ToJsonString());
        Assert.Equal("[3,3]", layers[1]!["config"]!["kernel_size"]!.ToJsonString());
        Assert.Equal("Adam", (string?)config["compile_config"]!["optimizer"]!["class_name"]);
        Assert.Equal("sparse_categorical_crossentropy", (string?)config["compile_config"]!["loss"]!["config"]!["name"] ?? (string?)config["compile_config"]!["loss"]);

        var weights = layout["weights"]!.AsObject();
        AssertKeras3Conventions(weights);
        // Keras 3's paths for this model (Sequential: no InputLayer entry; groups by class name in snake case) and
        // Keras's kernel layouts: Conv2D (kh, kw, in, out), Dense (in, out).
        var expected = new Dictionary<string, (string, string)>
        {
            ["layers/conv2d/vars/0"] = ("[3,3,1,4]", "<f4"),
            ["layers/conv2d/vars/1"] = ("[4]", "<f4"),
            ["layers/dense/vars/0"] = ("[64,3]", "<f4"),
            ["layers/dense/vars/1"] = ("[3]", "<f4"),
            ["optimizer/vars/0"] = ("[]", "<i8"),
            ["optimizer/vars/1"] = ("[]", "<f4"),
            // Adam: momentum then velocity for each trainable weight in order, as Keras interleaves them.
            ["optimizer/vars/2"] = ("[3,3,1,4]", "<f4"),
            ["optimizer/vars/3"] = ("[3,3,1,4]", "<f4"),
            ["optimizer/vars/4"] = ("[4]", "<f4"),
            ["optimizer/vars/5"] = ("[4]", "<f4"),
            ["optimizer/vars/6"] = ("[64,3]", "<f4"),
            ["optimizer/vars/7"] = ("[64,3]", "<f4"),
            ["optimizer/vars/8"] = ("[3]", "<f4"),
            ["optimizer/vars/9"] = ("[3]", "<f4"),
        };
        Assert.Equal(expected.OrderBy(kv => kv.Key), Datasets(weights).OrderBy(kv => kv.Key));
        var groups = weights["groups"]!.AsObject();
        Assert.Equal("max_pooling2d", (string?)groups["layers/max_pooling2d/vars"]!["name"]);
        Assert.Equal("sequential", (string?)groups["vars"]!["name"]);
        Assert.Equal("adam", (string?)groups["optimizer/vars"]!["name"]);
    }

    [Fact]
    public void Our_weights_h5_has_the_same_layout_as_the_weights_inside_our_keras_file()
    {
        using var folder = new TempDir();
        using var model = FunctionalCnn();
        model.SaveWeights(folder.File("f.weights.h5"));
        var weights = Layout(folder.File("f.weights.h5"))["weights"]!.AsObject();
        var datasets = Datasets(weights);
        // Functional models list their InputLayer, which has no weights but a vars group, as Keras does.
        Assert.True(weights["groups"]!.AsObject().ContainsKey("layers/input_layer/vars"));
        Assert.Equal(("[3,3,1,4]", "<f4"), datasets["layers/conv2d/vars/0"]);
        Assert.Equal(("[64,3]", "<f4"), datasets["layers/dense/vars/0"]);
        Assert.DoesNotContain(datasets.Keys, k => k.StartsWith("optimizer", StringComparison.Ordinal));
    }
}
