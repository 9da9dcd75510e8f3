using System.IO.Compression;
using System.Text.Json.Nodes;
using Pipeline.Models.Optimizers;
using Pipeline.Models.Saving;
using Pipeline.Models.Tests.Architecture;
using static Pipeline.Models.Tests.Saving.SavingTestKit;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Saving;

/// <summary>
/// A two-output model compiled with a list or a dictionary of losses, loss weights and per-output metrics keeps them
/// through <c>Save</c>/<c>LoadModel</c>: written in the structure Keras writes (Keras 3's compile_config in config.json,
/// Keras 2's training_config attribute in .h5), read back so that training continues exactly, and read from the
/// training_config Python Keras 2 writes.
/// </summary>
public class MultiOutputCompileSavingTests
{
    public static TheoryData<string, string> FormsAndFormats => new()
    {
        { "list", ".keras" }, { "dictionary", ".keras" }, { "list", ".h5" }, { "dictionary", ".h5" },
    };

    /// <summary>Outputs "sum" (regression: MSE, weight 1, no metric) and "larger" (two classes: cross-entropy, weight 0.5, accuracy).</summary>
    static void Compile(Model model, string form)
    {
        var optimizer = new Adam(learningRate: 0.01);
        if (form == "list")
            model.Compile(optimizer, ["mse", "sparse_categorical_crossentropy"], lossWeights: [1.0, 0.5], metrics: [[], ["accuracy"]]);
        else
            model.Compile(optimizer, new Dictionary<string, Losses.Loss> { ["sum"] = "mse", ["larger"] = "sparse_categorical_crossentropy" },
                lossWeights: new Dictionary<string, double> { ["sum"] = 1.0, ["larger"] = 0.5 },
                metrics: new Dictionary<string, string[]> { ["larger"] = ["accuracy"] });
    }

    static (IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y) Data(int samples, int seed)
    {
        var (a, b, sum, larger) = TwoInputTwoOutput.Data(samples, seed);
        return ([a, b], [sum, larger]);
    }

    /// <summary>Keras 3's compile_config from config.json, or Keras 2's training_config root attribute.</summary>
    static JsonObject SavedCompileSettings(string path)
    {
        if (path.EndsWith(".keras", StringComparison.Ordinal))
        {
            using var zip = ZipFile.OpenRead(path);
            using var reader = new StreamReader(zip.GetEntry("config.json")!.Open());
            return (JsonObject)JsonNode.Parse(reader.ReadToEnd())!["compile_config"]!;
        }
        using var h5 = H5Reader.Open(path);
        return (JsonObject)JsonNode.Parse(h5.StringAttribute(h5.Root, "training_config", "/")!)!;
    }

    [Theory]
    [MemberData(nameof(FormsAndFormats))]
    public void Losses_loss_weights_and_metrics_are_written_in_the_structure_they_were_compiled_with(string form, string extension)
    {
        using var folder = new TempDir();
        using var model = TwoInputTwoOutput.Build();
        Compile(model, form);
        var path = folder.File("model" + extension);
        model.Save(path);

        var saved = SavedCompileSettings(path);
        var loss = saved["loss"]!;
        var weights = saved["loss_weights"]!;
        var metrics = saved["metrics"]!;
        // Keras serializes each loss object as {module, class_name, config, registered_name} inside the user's structure.
        JsonNode Sum(JsonNode node) => form == "list" ? node[0]! : node["sum"]!;
        JsonNode Larger(JsonNode node) => form == "list" ? node[1]! : node["larger"]!;
        if (form == "list")
        {
            Assert.IsType<JsonArray>(loss);
            Assert.Equal(2, loss.AsArray().Count);
        }
        else
        {
            Assert.Equal(["sum", "larger"], loss.AsObject().Select(kv => kv.Key));
            Assert.Equal(["sum", "larger"], weights.AsObject().Select(kv => kv.Key));
            Assert.Equal(["larger"], metrics.AsObject().Select(kv => kv.Key));   // as the user wrote it: outputs without metrics left out
        }
        Assert.Equal("keras.losses", (string?)Sum(loss)["module"]);
        Assert.Equal("MeanSquaredError", (string?)Sum(loss)["class_name"]);
        Assert.Equal("SparseCategoricalCrossentropy", (string?)Larger(loss)["class_name"]);
        Assert.Equal(1.0, Sum(weights).GetValue<double>());
        Assert.Equal(0.5, Larger(weights).GetValue<double>());
        if (form == "list") Assert.Empty(Sum(metrics).AsArray());
        Assert.Equal(["accuracy"], Larger(metrics).AsArray().Select(m => (string?)m));
        Assert.Equal("Adam", (string?)saved[extension == ".keras" ? "optimizer" : "optimizer_config"]!["class_name"]);
    }

    [Theory]
    [MemberData(nameof(FormsAndFormats))]
    public void Training_continues_after_a_restore_exactly_as_without_one(string form, string extension)
    {
        using var folder = new TempDir();
        var (x, y) = Data(64, seed: 11);
        // One model trains 2 epochs and is saved; it then goes on for 2 more, and so does the copy loaded from the file.
        using var model = TwoInputTwoOutput.Build();
        Compile(model, form);
        model.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0);
        var path = folder.File("half" + extension);
        model.Save(path);
        using var resumed = Models.LoadModel(path);

        Assert.Equal(model.MetricsNames, resumed.MetricsNames);
        Assert.Equal(["loss", "sum_loss", "larger_loss", "larger_accuracy"], resumed.MetricsNames);
        Assert.Equal(model.Optimizer!.Iterations, resumed.Optimizer!.Iterations);
        var uninterrupted = model.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0);
        var continued = resumed.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0);

        Assert.Equal(uninterrupted.Keys, continued.Keys);
        foreach (var key in uninterrupted.Keys) Assert.Equal(uninterrupted[key], continued[key]);
        // The weights matter: "larger" weighs half, so the total is not the plain sum of the parts.
        Assert.NotEqual(continued["loss"][0], continued["sum_loss"][0] + continued["larger_loss"][0], 6);
        // Saved again, the restored model writes what the original wrote.
        var again = folder.File("again" + extension);
        resumed.Save(again);
        Assert.True(JsonNode.DeepEquals(SavedCompileSettings(path), SavedCompileSettings(again)));
    }

    // Keras 2 (tf.keras 2.x) writes losses as names or {class_name, config}, metrics after training as metric objects per
    // output whose names carry the output's name, and loss_weights as the user passed them.
    const string Keras2DictionaryConfig = """
        {"loss": {"sum": "mse", "larger": {"class_name": "SparseCategoricalCrossentropy", "config": {"reduction": "auto", "name": "sparse_categorical_crossentropy", "from_logits": false, "ignore_class": null}}},
         "metrics": [[], [{"class_name": "MeanMetricWrapper", "config": {"name": "larger_accuracy", "dtype": "float32", "fn": "sparse_categorical_accuracy"}}]],
         "weighted_metrics": null, "loss_weights": {"sum": 1.0, "larger": 0.5},
         "optimizer_config": {"class_name": "Adam", "config": {"name": "Adam", "learning_rate": 0.01, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": false}}}
        """;

    const string Keras2ListConfig = """
        {"loss": ["mean_squared_error", "sparse_categorical_crossentropy"],
         "metrics": [[], ["acc"]], "weighted_metrics": null, "loss_weights": [1.0, 0.5],
         "optimizer_config": {"class_name": "Adam", "config": {"name": "Adam", "lr": 0.01, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": false}}}
        """;

    [Theory]
    [InlineData(Keras2DictionaryConfig, "dictionary")]
    [InlineData(Keras2ListConfig, "list")]
    public void A_Keras_2_training_config_with_losses_per_output_compiles_the_loaded_model(string trainingConfig, string form)
    {
        using var folder = new TempDir();
        var (x, y) = Data(48, seed: 12);
        using var model = TwoInputTwoOutput.Build();
        Compile(model, form);
        model.Fit(x, y, batchSize: 16, epochs: 1, shuffle: false, verbose: 0);
        var path = folder.File("keras2.h5");
        model.Save(path);
        SetTrainingConfig(path, trainingConfig);

        using var restored = Models.LoadModel(path);

        Assert.NotNull(restored.Optimizer);
        Assert.Equal(0.01, restored.Optimizer!.LearningRate, 6);
        Assert.Equal(["loss", "sum_loss", "larger_loss", "larger_accuracy"], restored.MetricsNames);
        Assert.Equal(model.Evaluate(x, y, verbose: 0), restored.Evaluate(x, y, verbose: 0));
    }

    [Theory]
    [InlineData(".keras", """[null, "accuracy"]""", new[] { "larger_accuracy" })]
    [InlineData(".keras", """{"larger": "acc"}""", new[] { "larger_accuracy" })]
    [InlineData(".h5", """[[], ["accuracy"]]""", new[] { "larger_accuracy" })]
    [InlineData(".h5", """["accuracy"]""", new[] { "sum_accuracy", "larger_accuracy" })]
    public void A_metrics_list_means_what_the_Keras_that_wrote_it_means(string extension, string metrics, string[] expected)
    {
        // Keras 3: a list has one entry (a metric, a list of them or null) per output. Keras 2: a list of lists is per
        // output, a flat list is for every output.
        using var folder = new TempDir();
        using var model = TwoInputTwoOutput.Build();
        Compile(model, "list");
        var path = folder.File("model" + extension);
        model.Save(path);
        var settings = SavedCompileSettings(path);
        settings["metrics"] = JsonNode.Parse(metrics);
        if (extension == ".h5") SetTrainingConfig(path, settings.ToJsonString());
        else SetCompileConfig(path, settings);

        using var restored = Models.LoadModel(path);

        Assert.Equal(["loss", "sum_loss", "larger_loss", .. expected], restored.MetricsNames);
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void One_loss_for_several_outputs_writes_the_metrics_once_per_output_and_reads_them_back(string extension)
    {
        // Keras 3 reads a metrics list as one entry per output, so ["accuracy"] alone would not fit two outputs.
        using var folder = new TempDir();
        using var model = TwoInputTwoOutput.Build();
        model.Compile("adam", "mse", ["accuracy"]);
        var path = folder.File("model" + extension);
        model.Save(path);
        var settings = SavedCompileSettings(path);
        Assert.Equal("MeanSquaredError", (string?)settings["loss"]!["class_name"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[["accuracy"], ["accuracy"]]"""), settings["metrics"]), settings["metrics"]!.ToJsonString());

        using (var restored = Models.LoadModel(path))
        {
            Assert.Equal("MeanSquaredError", restored.Loss!.GetType().Name);
            Assert.Equal(model.MetricsNames, restored.MetricsNames);
        }

        // Python Keras 3 may give the outputs different metrics: each output gets its own, with the one loss.
        settings["metrics"] = JsonNode.Parse("""[[], ["accuracy"]]""");
        if (extension == ".h5") SetTrainingConfig(path, settings.ToJsonString());
        else SetCompileConfig(path, settings);
        using var perOutput = Models.LoadModel(path);
        Assert.Equal(["loss", "sum_loss", "larger_loss", "larger_accuracy"], perOutput.MetricsNames);
    }

    [Theory]
    [InlineData(".h5")]
    [InlineData(".keras")]
    public void A_loss_dictionary_naming_an_unknown_output_is_an_error_naming_the_file_and_the_output(string extension)
    {
        using var folder = new TempDir();
        using var model = TwoInputTwoOutput.Build();
        Compile(model, "dictionary");
        var path = folder.File("model" + extension);
        model.Save(path);
        var settings = SavedCompileSettings(path);
        var loss = settings["loss"]!.AsObject();
        var larger = loss["larger"]!.DeepClone();
        loss.Remove("larger");
        loss["largest"] = larger;
        if (extension == ".h5") SetTrainingConfig(path, settings.ToJsonString());
        else SetCompileConfig(path, settings);

        var e = Assert.Throws<KerasFileException>(() => Models.LoadModel(path));

        Assert.Equal(path, e.FileName);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("\"largest\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("'sum', 'larger'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loss_list_of_the_wrong_length_is_an_error_naming_both_counts()
    {
        using var folder = new TempDir();
        using var model = TwoInputTwoOutput.Build();
        Compile(model, "list");
        var path = folder.File("model.keras");
        model.Save(path);
        var settings = SavedCompileSettings(path);
        settings["loss"]!.AsArray().RemoveAt(1);
        SetCompileConfig(path, settings);

        var e = Assert.Throws<KerasFileException>(() => Models.LoadModel(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("lists 1 entries", e.Message, StringComparison.Ordinal);
        Assert.Contains("has 2 outputs (['sum', 'larger'])", e.Message, StringComparison.Ordinal);
    }

    static void SetCompileConfig(string kerasPath, JsonObject compileConfig)
    {
        using var zip = ZipFile.Open(kerasPath, ZipArchiveMode.Update);
        var entry = zip.GetEntry("config.json")!;
        JsonObject config;
        using (var reader = new StreamReader(entry.Open())) config = (JsonObject)JsonNode.Parse(reader.ReadToEnd())!;
        config["compile_config"] = compileConfig.DeepClone();
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("config.json").Open());
        writer.Write(config.ToJsonString());
    }

    /// <summary>Replaces the root attribute training_config with h5py, as Python Keras 2 would have written it.</summary>
    static void SetTrainingConfig(string h5Path, string trainingConfig) => Python("""
        import h5py, json, sys
        with h5py.File(sys.argv[1], 'r+') as f:
            f.attrs['training_config'] = json.dumps(json.loads(sys.argv[2]))
        """, h5Path, trainingConfig);
}
