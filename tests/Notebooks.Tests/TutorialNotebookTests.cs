using System.Globalization;
using System.Text.RegularExpressions;
using Packaging.Tests;

namespace Notebooks.Tests;

/// <summary>
/// Each tutorial notebook runs from top to bottom without a failing cell, as a reader would run it, and shows
/// what its text promises. The notebooks run one after another: each trains on the machine's cores.
/// </summary>
public class TutorialNotebookTests
{
    [Fact]
    public void The_tf_data_notebook_prints_the_plan_lints_and_streams_every_image()
    {
        var output = Run("tf-data.ipynb");

        Assert.Contains("plan:   FromTensorSlices(([10, 2], [10])) -> Map(lambda) -> Shuffle(10, seed=1) -> Repeat(2) -> Batch(4)", output);
        Assert.Contains("length: 5 batches", output);
        Assert.Contains("PL001 warning", output);
        Assert.Contains("lint: no findings", output);
        Assert.Matches(@"epoch 2: 79 batches, 5000 images", output);
        Assert.Contains("data:image/png;base64,", output);
    }

    [Fact]
    public void The_tfrecord_notebook_writes_reads_and_trains()
    {
        var output = Run("tfrecord.ipynb");

        Assert.Contains("Wrote 200 training and 40 test examples", output);
        // The first record is the first cat photo (file names in ordinal order), its JPEG stored byte for byte.
        var cat1 = File.ReadLines(RepositoryPaths.Fixture("cats-vs-dogs", "MANIFEST.tsv")).Single(l => l.StartsWith("train/cats/cat.1.jpg\t", StringComparison.Ordinal)).Split('\t');
        Assert.Contains($"height {cat1[3]}, width {cat1[2]}, depth 3, label 0 (cats), image_raw {int.Parse(cat1[1], CultureInfo.InvariantCulture):N0} bytes", output);
        Assert.Contains("Total params: 1,625,410", output);
        var losses = Regex.Matches(output, @"Epoch \d, Loss ([0-9.]+)").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(5, losses.Count);
        Assert.True(losses[^1] < losses[0], $"the training loss did not fall: {string.Join(", ", losses)}");
    }

    [Fact]
    public void The_cifar10_cnn_notebook_trains_the_tutorial_model_above_chance()
    {
        var output = Run("cifar10-cnn.ipynb");

        Assert.Contains("training: 4000 images, validation: 1000 images", output);
        Assert.Contains("Total params: 122,570", output);   // the tutorial's model, layer for layer
        Assert.Contains("Epoch 8/8", output);
        var accuracy = double.Parse(Regex.Match(output, @"validation accuracy: ([0-9.]+)%").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(accuracy > 25, $"validation accuracy {accuracy}% (chance: 10%, a run here gives 40-50%)");
    }

    [Fact]
    public void The_five_ways_notebook_builds_one_network_five_ways_and_restores_it_unchanged()
    {
        var output = Run("five-ways-cnn.ipynb");

        Assert.Contains("training: 4000 images 4000x32x32x3, test: 1000 images", output);
        // Ways 1-2 count their variables by hand, way 4 a subclassed Model, way 5 Keras's summary: one network.
        Assert.Contains("way 1: 8 variables, 1,070,794 parameters", output);
        Assert.Contains("way 2: 1,070,794 parameters", output);
        Assert.Contains("way 4: 1,070,794 parameters", output);
        Assert.Contains("Total params: 1,070,794", output);
        var accuracies = Regex.Matches(output, @"way (\d) test accuracy: ([0-9.]+) ?%").ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal(["1", "2", "3", "4", "5"], accuracies.Keys.Order());
        Assert.All(accuracies.Values, a => Assert.True(a > 15, $"test accuracies {string.Join(", ", accuracies)} (chance: 10%)"));
        // The saved .keras file restores a model that scores exactly what the saved one did.
        var saved = Regex.Match(output, @"accuracy before saving: ([0-9.]+), after restoring: ([0-9.]+)");
        Assert.True(saved.Success, "the save/restore cell printed no accuracies");
        Assert.Equal(saved.Groups[1].Value, saved.Groups[2].Value);
        Assert.Contains("restored Sequential with 1,070,794 parameters", output);
    }

    [Fact]
    public void The_transfer_learning_notebook_trains_a_head_on_the_frozen_ImageNet_base_then_fine_tunes()
    {
        var output = Run("transfer-learning.ipynb");

        Assert.Contains("training: 200 images, test: 40 images, classes: cats, dogs", output);
        Assert.Contains("mobilenet_0.25_224: 86 layers, 218,544 parameters; a batch of 32 images gives features of shape (32, 7, 7, 256)", output);
        // Frozen base: only the head trains; fine-tuning unfreezes the top two blocks' convolutions.
        Assert.Contains("Total params: 218,801", output);
        Assert.Contains("Trainable params: 257", output);
        Assert.Contains("Trainable params: 102,017", output);
        Assert.Contains("Epoch 7/7", output);
        var accuracies = Regex.Matches(output, @"test_accuracy: ([0-9.]+)").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, accuracies.Count);
        // ImageNet features make cats and dogs easy: runs here gave 0.82-0.90 after the head, 0.90-0.93 after fine-tuning (chance: 0.5).
        Assert.All(accuracies, a => Assert.True(a >= 0.75, $"test accuracies {string.Join(", ", accuracies)}"));
    }

    [Fact]
    public void The_classic_models_notebook_builds_each_architecture_with_Keras_parameter_count_and_trains_a_small_MobileNet()
    {
        var output = Run("classic-models.ipynb");

        // Each architecture's count next to Keras's published figure: seven lines, every pair equal.
        var counts = Regex.Matches(output, @"([0-9,]+) parameters \(Keras: ([0-9,]+)\)").ToList();
        Assert.Equal(7, counts.Count);
        Assert.All(counts, m => Assert.Equal(m.Groups[2].Value, m.Groups[1].Value));
        Assert.Contains("138,357,544 parameters", output);
        Assert.Contains("5,330,571 parameters (Keras: 5,330,571)", output);   // EfficientNetB0
        Assert.Contains("conv2_block1_add", output);
        Assert.Matches(@"block2b_se_excite +Multiply +output 56x56x144", output);
        Assert.Contains("block6d_drop: rate 0.1750, noise shape (None, 1, 1, 1)", output);
        Assert.Contains("training: 800 images, validation: 200 images, 10 classes", output);
        Assert.Contains("Total params: 221,114", output);   // MobileNet alpha 0.25 with a 10-class top
        Assert.Contains("Epoch 2/2", output);
        var losses = Regex.Matches(output, @"- loss: ([0-9.]+) - accuracy").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(losses.Count >= 2 && losses[^1] < losses[0], $"the training loss did not fall: {string.Join(", ", losses)}");
        Assert.Matches(@"val_accuracy: [0-9.]+ \(chance: 0.10\)", output);
    }

    [Fact]
    public void The_vision_transformer_notebook_shows_the_patches_and_trains_the_small_ViT_above_chance()
    {
        var output = Run("vision-transformer.ipynb");

        Assert.Contains("training: 4000 images, test: 1000 images", output);
        Assert.Contains("image 1x32x32x3 -> patches 1x64x48", output);   // 8 x 8 patches of 4 x 4 x 3
        Assert.Contains("data:image/png;base64,", output);
        Assert.Contains("Total params: 142,026", output);                 // the PyTorch peer model's count
        Assert.Contains("Epoch 5/5", output);
        var accuracy = double.Parse(Regex.Match(output, @"test accuracy: ([0-9.]+) ?%").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(accuracy > 15, $"test accuracy {accuracy}% (chance: 10%)");
    }

    [Fact]
    public void The_data_augmentation_notebook_shows_the_pictures_and_trains_every_route_above_chance()
    {
        var output = Run("data-augmentation.ipynb");

        Assert.Contains("x: Byte (5000, 32, 32, 3), y: (5000, 1)", output);   // Keras's load_data() shapes
        Assert.Contains("training: 2000 images, validation: 500 images", output);
        Assert.Contains("-> Map(augment, numParallelCalls=AUTOTUNE) -> Batch(64)", output);
        Assert.Contains("Total params: 1,070,794", output);   // the tutorial's network; augmentation layers have no weights
        // The image grid, the three augmentation grids and two training-curve pictures, inline.
        Assert.True(Regex.Matches(output, "data:image/png;base64,").Count >= 6, "fewer than six pictures were shown");
        var routes = Regex.Matches(output, @"route ([a-z-]+): val_accuracy: ([0-9.]+)")
            .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal(["generator", "image-ops", "layers", "none"], routes.Keys.Order());
        Assert.All(routes, r => Assert.True(r.Value > 0.15, $"route {r.Key}: validation accuracy {r.Value} (chance: 0.10)"));
    }

    static string Run(string notebook)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "notebooks");
        var executed = Path.Combine(Directory.CreateTempSubdirectory("notebook-").FullName, notebook);
        DotNet.Run(folder, "tool", "restore");
        try
        {
            DotNet.Run(folder, "dotnet-repl", "--run", notebook, "--exit-after-run", "--output-path", executed);
        }
        catch (InvalidOperationException) when (File.Exists(executed))
        {
            Packaging.Tests.Notebooks.Text(executed);   // throws with the failing cell's error, which dotnet-repl does not print
            throw;
        }
        return Packaging.Tests.Notebooks.Text(executed);
    }
}
