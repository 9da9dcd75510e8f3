using Pipeline.Models.Callbacks;
using static Pipeline.Models.Tests.Saving.SavingTestKit;

namespace Pipeline.Models.Tests.Saving;

public class ModelCheckpointTests
{
    [Fact]
    public void Writes_one_loadable_file_per_epoch_named_from_the_template()
    {
        using var folder = new TempDir();
        var (x, y) = TinyData.Blocks(48, seed: 4);
        using var model = SequentialCnn();
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, batchSize: 16, epochs: 3, validationSplit: 0.25, verbose: 0,
            callbacks: [new ModelCheckpoint(Path.Combine(folder.Path, "ckpt", "weights.{epoch:02d}-{val_loss:.2f}.keras"))]);
        var expected = history["val_loss"].Select((v, i) => $"weights.{i + 1:00}-{v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}.keras");
        Assert.Equal(expected, Directory.GetFiles(Path.Combine(folder.Path, "ckpt")).Select(Path.GetFileName).Order());
        using var last = Models.LoadModel(Path.Combine(folder.Path, "ckpt", expected.Last()));
        AssertBitIdentical(model.Predict(x, verbose: 0), last.Predict(x, verbose: 0));
    }

    [Fact]
    public void Save_best_only_keeps_the_weights_of_the_best_epoch()
    {
        using var folder = new TempDir();
        var (x, y) = TinyData.Blocks(48, seed: 6);
        using var model = SequentialCnn();
        model.Compile("sgd", "sparse_categorical_crossentropy", ["accuracy"]);
        var path = folder.File("best.weights.h5");
        var snapshots = new List<NumSharp.NDArray>();
        var checkpoint = new ModelCheckpoint(path, monitor: "loss", saveBestOnly: true, saveWeightsOnly: true);
        var history = model.Fit(x, y, batchSize: 16, epochs: 4, verbose: 0,
            callbacks: [checkpoint, new LambdaCallback(onEpochEnd: (_, _) => snapshots.Add(model.Predict(x, verbose: 0)))]);
        var losses = history["loss"];
        int best = losses.Select((v, i) => (v, i)).MinBy(p => p.v).i;
        Assert.Equal(losses[best], checkpoint.Best);
        using var restored = SequentialCnn();
        restored.LoadWeights(path);
        AssertBitIdentical(snapshots[best], restored.Predict(x, verbose: 0));
    }

    [Fact]
    public void Save_freq_saves_every_n_batches_with_the_batch_in_the_name()
    {
        using var folder = new TempDir();
        var (x, y) = TinyData.Blocks(64, seed: 8);
        using var model = SequentialCnn();
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, shuffle: false,
            callbacks: [new ModelCheckpoint(Path.Combine(folder.Path, "e{epoch}-b{batch}.weights.h5"), saveWeightsOnly: true, saveFreq: 2)]);
        Assert.Equal(["e1-b2.weights.h5", "e1-b4.weights.h5", "e2-b2.weights.h5", "e2-b4.weights.h5"],
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_extension_must_fit_what_is_saved()
    {
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint("w.keras", saveWeightsOnly: true));
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint("model.bin"));
    }
}
