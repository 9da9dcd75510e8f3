using NumSharp;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static Pipeline.Models.Tests.Saving.SavingTestKit;

namespace Pipeline.Models.Tests.Saving;

/// <summary>Save then load gives back the same model: bit-identical Predict and Evaluate, for all three kinds of model.</summary>
public class ModelRoundTripTests
{
    public static TheoryData<string, string> Kinds => new()
    {
        { "sequential", ".keras" }, { "functional", ".keras" }, { "subclassed", ".keras" },
        { "sequential", ".h5" }, { "functional", ".h5" },
    };

    static Model Make(string kind) => kind switch
    {
        "sequential" => SequentialCnn(),
        "functional" => FunctionalCnn(),
        _ => SubclassedCnn(),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_trained_model_restores_with_bit_identical_predictions_and_evaluation(string kind, string extension)
    {
        using var folder = new TempDir();
        Utils.SetRandomSeed(7);
        var (x, y) = TinyData.Blocks(48, seed: 3);
        using var model = Make(kind);
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        model.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0);
        var expected = model.Predict(x, verbose: 0);
        var expectedScores = model.Evaluate(x, y, verbose: 0);

        var path = folder.File("model" + extension);
        model.Save(path);
        using var restored = Models.LoadModel(path);

        Assert.Equal(model.GetType(), restored.GetType());
        Assert.Equal(model.Layers.Select(l => (l.GetType(), l.Name)), restored.Layers.Select(l => (l.GetType(), l.Name)));
        AssertBitIdentical(expected, restored.Predict(x, verbose: 0));
        Assert.Equal(expectedScores, restored.Evaluate(x, y, verbose: 0));
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("functional")]
    [InlineData("subclassed")]
    public void Training_continues_after_a_restore_exactly_as_without_one(string kind)
    {
        using var folder = new TempDir();
        var (x, y) = TinyData.Blocks(48, seed: 5);

        // One model trains 2 epochs and is saved; it then goes on for 2 more, and so does the copy loaded from the file.
        // Both start from the same state, so no seed (and no other test using the global generator) matters.
        using var model = Make(kind);
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0);
        var path = folder.File("half.keras");
        model.Save(path);
        using var resumed = Models.LoadModel(path);
        var uninterrupted = model.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0)["loss"];
        var continued = resumed.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0)["loss"];

        Assert.Equal(uninterrupted, continued);
    }

    [Theory]
    [InlineData("nadam", ".keras")]
    [InlineData("rmsprop", ".keras")]
    [InlineData("sgd", ".keras")]
    [InlineData("adagrad", ".keras")]
    [InlineData("adam", ".h5")]
    [InlineData("nadam", ".h5")]
    [InlineData("rmsprop", ".h5")]
    [InlineData("sgd", ".h5")]
    [InlineData("adagrad", ".h5")]
    public void Every_optimizer_continues_after_a_restore_exactly_as_without_one(string optimizer, string extension)
    {
        // Nadam also carries a scalar (Keras's u_product) after its per-weight state: without it a resumed run drifts.
        // Keras 2 .h5 files keep the state in optimizer_weights (LegacyOptimizerStateTests has the layout).
        using var folder = new TempDir();
        var (x, y) = TinyData.Blocks(48, seed: 5);
        using var model = SequentialCnn();
        model.Compile(optimizer, "sparse_categorical_crossentropy");
        model.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0);
        var path = folder.File("half" + extension);
        model.Save(path);
        using var resumed = Models.LoadModel(path);
        Assert.Equal(model.Optimizer!.Iterations, resumed.Optimizer!.Iterations);
        var uninterrupted = model.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0)["loss"];
        var continued = resumed.Fit(x, y, batchSize: 16, epochs: 2, shuffle: false, verbose: 0)["loss"];

        Assert.Equal(uninterrupted, continued);
    }

    [Fact]
    public void Weights_files_round_trip_in_both_layouts_and_SaveWeights_keeps_the_optimizer_state()
    {
        using var folder = new TempDir();
        var (x, y) = TinyData.Blocks(32, seed: 1);
        using var model = SequentialCnn();
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0);
        var expected = model.Predict(x, verbose: 0);
        foreach (var name in new[] { "w.weights.h5", "w.h5" })
        {
            var path = folder.File(name);
            model.SaveWeights(path);
            using var other = SequentialCnn();
            other.LoadWeights(path);
            AssertBitIdentical(expected, other.Predict(x, verbose: 0));
        }
    }
}
