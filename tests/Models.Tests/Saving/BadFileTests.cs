using System.IO.Compression;
using System.Text;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static Pipeline.Models.Tests.Saving.SavingTestKit;

namespace Pipeline.Models.Tests.Saving;

/// <summary>Damaged, foreign or unfitting files give clear errors and never a half-loaded model.</summary>
public class BadFileTests
{
    static string SavedModel(TempDir folder, string name = "good.keras")
    {
        using var model = SequentialCnn();
        model.Compile("adam", "sparse_categorical_crossentropy");
        var path = folder.File(name);
        model.Save(path);
        return path;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void A_truncated_keras_file_is_an_error_naming_the_file(double keep)
    {
        using var folder = new TempDir();
        var bytes = File.ReadAllBytes(SavedModel(folder));
        var path = folder.File("truncated.keras");
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<KerasFileException>(() => Models.LoadModel(path));
        Assert.Equal(path, e.FileName);
        Assert.Contains("truncated.keras", e.Message);
    }

    [Fact]
    public void A_truncated_weights_file_is_an_error_and_leaves_the_model_unchanged()
    {
        using var folder = new TempDir();
        using var model = SequentialCnn();
        var path = folder.File("w.weights.h5");
        model.SaveWeights(path);
        var bytes = File.ReadAllBytes(path);
        foreach (var keep in new[] { 0.3, 0.7, 0.95 })
        {
            File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
            using var other = SequentialCnn();
            var before = other.Layers[0].GetWeights()[0].ToArray<float>();
            var e = Assert.Throws<KerasFileException>(() => other.LoadWeights(path));
            Assert.Contains("w.weights.h5", e.Message);
            Assert.Equal(before, other.Layers[0].GetWeights()[0].ToArray<float>());
        }
    }

    [Fact]
    public void A_corrupt_keras_member_is_an_error()
    {
        using var folder = new TempDir();
        var bytes = File.ReadAllBytes(SavedModel(folder));
        // Flip bytes in the middle of the stored model.weights.h5 member: the zip's CRC no longer matches.
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++) bytes[i] ^= 0x5A;
        var path = folder.File("corrupt.keras");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<KerasFileException>(() => Models.LoadModel(path));
        Assert.Contains("corrupt.keras", e.Message);
    }

    [Fact]
    public void A_foreign_file_says_it_is_not_a_Keras_file()
    {
        using var folder = new TempDir();
        var path = folder.File("photo.keras");
        File.Copy(RepositoryPaths.Fixture("keras-mobilenet-catvsdog", "cat.jpg"), path);
        var e = Assert.Throws<KerasFileException>(() => Models.LoadModel(path));
        Assert.Contains("neither a Keras 3 .keras zip nor an HDF5", e.Message);
        var zip = folder.File("other.keras");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            using (var writer = new StreamWriter(archive.CreateEntry("readme.txt").Open())) writer.Write("hello");
        e = Assert.Throws<KerasFileException>(() => Models.LoadModel(zip));
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void A_weights_only_h5_given_to_LoadModel_says_to_build_the_model_and_load_weights()
    {
        var e = Assert.Throws<KerasFileException>(() => Models.LoadModel(RepositoryPaths.Fixture("keras-h5", "dl4j_mnist_mlp", "mnist_mlp_tf_keras_2_weights.h5")));
        Assert.Contains("LoadWeights", e.Message);
    }

    [Fact]
    public void A_config_naming_an_unknown_layer_class_names_the_class_and_the_layer()
    {
        using var folder = new TempDir();
        var source = SavedModel(folder);
        var path = folder.File("unknown.keras");
        File.Copy(source, path);
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = archive.GetEntry("config.json")!;
            string text;
            using (var reader = new StreamReader(entry.Open())) text = reader.ReadToEnd();
            entry.Delete();
            using var writer = new StreamWriter(archive.CreateEntry("config.json").Open(), new UTF8Encoding(false));
            writer.Write(text.Replace("\"class_name\":\"Dense\"", "\"class_name\":\"FancyDense\"", StringComparison.Ordinal));
        }
        var e = Assert.Throws<KerasFileException>(() => Models.LoadModel(path));
        Assert.Contains("FancyDense", e.Message);
        Assert.Contains("dense", e.Message);
        Assert.Contains("customObjects", e.Message);
    }

    [Fact]
    public void Weights_that_do_not_fit_name_layer_weight_and_both_shapes_and_change_nothing()
    {
        using var folder = new TempDir();
        using var saved = SequentialCnn();
        var path = folder.File("w.weights.h5");
        saved.SaveWeights(path);
        using var other = new Sequential(
        [
            new Input([8, 8, 1]),
            new Conv2D(4, 3, padding: "same", activation: "relu"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(5, activation: "softmax"),
        ]);
        var convBefore = other.Layers[0].GetWeights()[0].ToArray<float>();
        var e = Assert.Throws<KerasFileException>(() => other.LoadWeights(path));
        Assert.Contains("dense", e.Message);
        Assert.Contains("\"kernel\"", e.Message);
        Assert.Contains("(64, 5)", e.Message);
        Assert.Contains("(64, 3)", e.Message);
        // The conv layer fits the file, but a failed load changes nothing.
        Assert.Equal(convBefore, other.Layers[0].GetWeights()[0].ToArray<float>());
        // skipMismatch loads what fits and leaves the rest.
        other.LoadWeights(path, skipMismatch: true);
        Assert.Equal(saved.Layers[0].GetWeights()[0].ToArray<float>(), other.Layers[0].GetWeights()[0].ToArray<float>());
    }

    [Fact]
    public void Saving_to_an_unknown_extension_is_refused_before_anything_is_written()
    {
        using var folder = new TempDir();
        using var model = SequentialCnn();
        Assert.Throws<ArgumentException>(() => model.Save(folder.File("model.bin")));
        Assert.Throws<ArgumentException>(() => model.SaveWeights(folder.File("w.bin")));
        Assert.Empty(Directory.GetFiles(folder.Path));
    }
}
