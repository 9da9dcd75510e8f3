using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Samples.Tests;

/// <summary>
/// samples/KerasFiles, run in-process through the same entry point its Program calls (KerasFilesCommand.Run) on the
/// Keras files in ../shared/fixtures: what it prints for good input, and the one-line error with a non-zero exit
/// code it gives for bad input.
/// </summary>
public class KerasFilesSampleTests
{
    static string Vww => RepositoryPaths.Fixture("keras-full-model-h5", "vww_96.h5");
    static string Photo(string relative) => RepositoryPaths.Fixture("cats-vs-dogs", relative);

    /// <summary>The fixture's reference (numpy, nearest-neighbour resize to 96x96, /255): p(notperson), p(person).</summary>
    static readonly Lazy<Dictionary<string, double[]>> Reference = new(() =>
        JsonNode.Parse(File.ReadAllText(RepositoryPaths.Fixture("keras-full-model-h5", "reference_vww96_cats_vs_dogs_numpy.json")))!["predictions"]!
            .AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.AsArray().Select(v => (double)v!).ToArray()));

    sealed record Result(int ExitCode, string Output, string Error);

    static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = KerasFilesCommand.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Bad input: the given exit code, nothing on standard output, and one error line that says all of <paramref name="mentions"/>.</summary>
    static void AssertOneLineError(Result result, int exitCode, params string[] mentions)
    {
        Assert.True(result.ExitCode == exitCode, $"exit code {result.ExitCode}, expected {exitCode}; stderr: {result.Error}");
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one error line, got {lines.Length}:\n{result.Error}");
        Assert.StartsWith("KerasFiles: ", lines[0]);
        Assert.DoesNotContain("   at ", result.Error);
        foreach (var text in mentions) Assert.Contains(text, lines[0]);
        Assert.Equal("", result.Output);
    }

    /// <summary>"cat.4001.jpg: 0 (0.8221), 1 (0.1779)" -> the score of each class printed.</summary>
    static Dictionary<int, double> Scores(string line) =>
        Regex.Matches(line, @"(\d+) \((\d\.\d{4})\)").ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                                                                   m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

    [Fact]
    public void Summary_prints_the_layers_and_parameter_counts_of_a_Keras_2_h5_and_a_Keras_3_keras_file()
    {
        var h5 = Run("summary", Vww);
        Assert.Equal(0, h5.ExitCode);
        // PROVENANCE: 221,794 / 216,322 / 5,472 (h5py's count of the file's weights).
        Assert.Contains("Total params: 221,794", h5.Output);
        Assert.Contains("Trainable params: 216,322", h5.Output);
        Assert.Contains("Non-trainable params: 5,472", h5.Output);
        Assert.Contains("depthwise_conv2d", h5.Output);

        var keras = Run("summary", RepositoryPaths.Fixture("keras3-transformer", "transformer_model.keras"));
        Assert.Equal(0, keras.ExitCode);
        // PROVENANCE's weight shapes: 2 LayerNormalizations 2+2, attention 3x(128+128)+(128+1), Conv1Ds 64+64 and 64+1,
        // Dense 16+16 and 48+3 = 1,177.
        Assert.Contains("Total params: 1,177", keras.Output);
        Assert.Contains("multi_head_attention", keras.Output);
    }

    [Fact]
    public void Predict_with_nearest_resizing_matches_the_fixture_reference_probabilities()
    {
        string[] photos = ["test/cats/cat.4001.jpg", "test/dogs/dog.4001.jpg", "test/dogs/dog.4009.jpg"];
        var result = Run(["predict", Vww, .. photos.Select(Photo), "--interpolation", "nearest"]);
        Assert.True(result.ExitCode == 0, result.Error);

        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(photos.Length, lines.Length);
        for (int i = 0; i < photos.Length; i++)
        {
            Assert.StartsWith(Path.GetFileName(photos[i]) + ": ", lines[i]);
            var printed = Scores(lines[i]);
            var expected = Reference.Value[photos[i]];
            // Printed to 4 decimals; the model's float32 sums against the reference's float64 differ by ~1e-6.
            Assert.Equal(expected[0], printed[0], 3e-4);
            Assert.Equal(expected[1], printed[1], 3e-4);
            // Highest score first.
            Assert.StartsWith(Path.GetFileName(photos[i]) + $": {(expected[0] > expected[1] ? 0 : 1)} (", lines[i]);
        }
    }

    [Fact]
    public void Predict_resizes_with_nearest_by_default_as_load_img_and_bilinear_on_request()
    {
        var photo = Photo("test/cats/cat.4001.jpg");
        var byDefault = Scores(Run("predict", Vww, photo).Output);
        var nearest = Scores(Run("predict", Vww, photo, "--interpolation", "nearest").Output);
        var bilinear = Run("predict", Vww, photo, "--interpolation", "bilinear");
        Assert.Equal(0, bilinear.ExitCode);
        Assert.Equal(nearest, byDefault);
        // The other resize feeds the model other pixels: cat.4001's p(notperson) moves well away from the reference.
        Assert.True(Math.Abs(Scores(bilinear.Output)[0] - Reference.Value["test/cats/cat.4001.jpg"][0]) > 0.05, bilinear.Output);
    }

    [Fact]
    public void Evaluate_scores_a_class_per_folder_tree_with_the_folders_in_alphabetical_order_as_classes()
    {
        // Class 0 "notperson", class 1 "person"; photos the reference classifies with a wide margin, two of them
        // deliberately in the folder of the other class, so the expected accuracy is not 1.
        using var dir = new TempDir();
        var tree = TempTree(dir, new()
        {
            ["notperson"] = ["test/cats/cat.4005.jpg", "test/cats/cat.4012.jpg", "test/dogs/dog.4006.jpg", "test/dogs/dog.4001.jpg"],
            ["person"] = ["test/dogs/dog.4004.jpg", "test/dogs/dog.4007.jpg", "test/dogs/dog.4016.jpg", "test/dogs/dog.4009.jpg"],
        });
        int right = 0, all = 0;
        foreach (var (folder, label) in new[] { ("notperson", 0), ("person", 1) })
            foreach (var file in Directory.GetFiles(Path.Combine(tree.Root, folder)))
            {
                var expected = Reference.Value[tree.Origin[file]];
                Assert.True(Math.Abs(expected[0] - 0.5) > 0.2, $"{file}: pick photos with a wide margin");
                if ((expected[1] > expected[0] ? 1 : 0) == label) right++;
                all++;
            }

        var result = Run("evaluate", Vww, "--data", tree.Root, "--batch-size", "3");   // batches of 3, 3 and 2
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("images: 8 in 2 classes (notperson, person)", result.Output);
        Assert.Contains($"accuracy: {((double)right / all).ToString("F4", CultureInfo.InvariantCulture)}", result.Output);
        Assert.Equal(6, right);
    }

    [Fact]
    public void Evaluate_refuses_a_tree_whose_class_folders_do_not_match_the_models_outputs()
    {
        using var dir = new TempDir();
        var tree = TempTree(dir, new()
        {
            ["a"] = ["test/cats/cat.4005.jpg"],
            ["b"] = ["test/dogs/dog.4001.jpg"],
            ["c"] = ["test/dogs/dog.4009.jpg"],
        });
        AssertOneLineError(Run("evaluate", Vww, "--data", tree.Root), 1, "scores 2 classes", "has 3 class folders", "(a, b, c)", tree.Root);
    }

    [Fact]
    public void Missing_files_and_folders_are_named()
    {
        var missingImage = Path.Combine(Path.GetTempPath(), "no-such-photo-" + Guid.NewGuid().ToString("N") + ".jpg");
        AssertOneLineError(Run("predict", Vww, missingImage), 2, $"image file '{missingImage}' does not exist");

        var missingFolder = Path.Combine(Path.GetTempPath(), "no-such-tree-" + Guid.NewGuid().ToString("N"));
        AssertOneLineError(Run("evaluate", Vww, "--data", missingFolder), 2, "--data", $"'{missingFolder}' does not exist");

        AssertOneLineError(Run("summary", missingFolder + ".h5"), 2, $"model file '{missingFolder}.h5' does not exist");
        AssertOneLineError(Run("evaluate", Vww), 2, "--data DIR", "required");
        AssertOneLineError(Run("predict", Vww), 2, "no IMAGE");
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_named_in_predict_and_in_evaluate()
    {
        using var dir = new TempDir();
        var tree = TempTree(dir, new() { ["notperson"] = ["test/cats/cat.4005.jpg"], ["person"] = ["test/dogs/dog.4001.jpg"] });
        var notAnImage = Path.Combine(tree.Root, "person", "notes.jpg");
        File.WriteAllText(notAnImage, "not a picture");
        AssertOneLineError(Run("predict", Vww, notAnImage), 1, $"image file '{notAnImage}' cannot be read as an image", "not a JPEG");
        AssertOneLineError(Run("evaluate", Vww, "--data", tree.Root), 1, "notes.jpg");
    }

    [Fact]
    public void Bad_option_values_and_unknown_options_are_refused_before_the_model_is_read()
    {
        var photo = Photo("test/cats/cat.4001.jpg");
        AssertOneLineError(Run("predict", Vww, photo, "--scale", "abc"), 2, "--scale", "positive number or fraction such as 1/255", "got 'abc'");
        AssertOneLineError(Run("predict", Vww, photo, "--scale", "1/0"), 2, "--scale", "got '1/0'");
        AssertOneLineError(Run("predict", Vww, photo, "--image-size", "-3"), 2, "--image-size must be a positive integer", "got '-3'");
        AssertOneLineError(Run("predict", Vww, photo, "--interpolation", "cubic"), 2, "--interpolation must be one of", "nearest", "bilinear", "got 'cubic'");
        AssertOneLineError(Run("evaluate", Vww, "--data", ".", "--epoch", "1"), 2, "unknown option '--epoch'", "--batch-size");
        AssertOneLineError(Run("predict", Vww, photo, "--batch-size", "8"), 2, "unknown option '--batch-size'", "--top");
        AssertOneLineError(Run("summary", Vww, "--scale", "1"), 2, "unknown option '--scale'");
        AssertOneLineError(Run("predict", Vww, photo, "--top"), 2, "--top needs a value");
        AssertOneLineError(Run("sumary", Vww), 2, "unknown command 'sumary'", "summary, predict or evaluate");
        // The option is checked first: the model file here does not even exist.
        AssertOneLineError(Run("predict", "missing.h5", photo, "--scale", "abc"), 2, "--scale");
    }

    [Fact]
    public void A_model_that_does_not_take_images_is_refused_by_predict()
    {
        // The Keras 3 transformer fixture takes (50, 1) series.
        var model = RepositoryPaths.Fixture("keras3-transformer", "transformer_model.keras");
        AssertOneLineError(Run("predict", model, Photo("test/cats/cat.4001.jpg")), 1, "(height, width, channels)", "(None, 50, 1)");
    }

    [Fact]
    public void A_file_that_is_not_a_Keras_model_is_named()
    {
        var photo = Photo("test/cats/cat.4001.jpg");
        AssertOneLineError(Run("summary", photo), 1, "cat.4001.jpg");
    }

    sealed record Tree(string Root, Dictionary<string, string> Origin);

    /// <summary>A class-per-folder copy of fixture photos in <paramref name="dir"/>; Origin maps each copy to its fixture name.</summary>
    static Tree TempTree(TempDir dir, Dictionary<string, string[]> folders)
    {
        var root = dir.Path;
        var origin = new Dictionary<string, string>();
        foreach (var (folder, photos) in folders)
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
            foreach (var photo in photos)
            {
                var copy = Path.Combine(root, folder, Path.GetFileName(photo));
                File.Copy(Photo(photo), copy);
                origin[copy] = photo;
            }
        }
        return new Tree(root, origin);
    }
}
