namespace Samples.Tests;

/// <summary>
/// The options samples/FiveWaysCnn and samples/VisionTransformer share (FiveWaysOptions): everything is checked when
/// the command line is parsed, which both programs do before reading any image, so a typo is refused at once
/// instead of after loading ~45,000 JPEGs or, for --save, after the whole training run.
/// </summary>
public class FiveWaysOptionsTests
{
    static string Message(string[] args, bool takesWay = true) =>
        Assert.Throws<ArgumentException>(() => FiveWaysOptions.Parse(args, takesWay)).Message;

    [Fact]
    public void A_full_command_line_is_read_with_the_defaults_for_what_it_leaves_out()
    {
        using var dir = new TempDir();
        var tree = ClassTree(dir, 10);
        var save = Path.Combine(tree, "cnn.keras");
        var options = FiveWaysOptions.Parse(["--way", "subclass", "--data", tree, "--test", tree, "--epochs", "10", "--batch-size", "32", "--save", save]);
        Assert.Equal(new FiveWaysOptions("subclass", tree, tree, 10, 32, save), options);
        Assert.Equal(new FiveWaysOptions("sequential", null, null, 3, 64, null), FiveWaysOptions.Parse([]));
    }

    [Fact]
    public void An_unknown_way_is_refused_with_the_five_ways()
    {
        var message = Message(["--way", "bogus"]);
        Assert.Contains("--way must be manual, module, function, subclass, sequential", message);
        Assert.Contains("got 'bogus'", message);
    }

    [Fact]
    public void An_unknown_way_is_refused_before_the_data_folder_is_looked_at()
    {
        // The folder does not exist: the way is what the error is about, whatever order the checks run in.
        var message = Message(["--data", "/no/such/folder", "--way", "bogus"]);
        Assert.Contains("'bogus'", message);
    }

    [Theory]
    [InlineData("--epoch", "1")]
    [InlineData("--batch", "32")]
    [InlineData("--validation-split", "0.1")]
    public void An_unknown_option_is_refused_by_name(string option, string value)
    {
        var message = Message(["--way", "manual", option, value]);
        Assert.Contains($"unknown option '{option}'", message);
        Assert.Contains("--epochs", message);
    }

    [Theory]
    [InlineData("manual")]
    [InlineData("module")]
    [InlineData("function")]
    public void Save_is_refused_for_the_ways_that_train_raw_variables_naming_the_ways_that_save(string way)
    {
        var message = Message(["--way", way, "--save", Path.Combine(Path.GetTempPath(), "model.keras")]);
        Assert.Contains("--save works with --way subclass or sequential", message);
        Assert.Contains($"--way {way}", message);
    }

    [Fact]
    public void Save_needs_a_keras_file_in_an_existing_folder()
    {
        Assert.Contains("got 'model.txt'", Message(["--way", "sequential", "--save", "model.txt"]));
        var folder = Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"));
        Assert.Contains($"folder '{folder}' does not exist", Message(["--save", Path.Combine(folder, "model.keras")]));
    }

    [Fact]
    public void Values_are_checked_with_the_value_given()
    {
        Assert.Contains("--epochs must be a positive integer; got 'ten'", Message(["--epochs", "ten"]));
        Assert.Contains("--batch-size must be a positive integer; got '0'", Message(["--batch-size", "0"]));
        Assert.Contains("--data needs a value", Message(["--data"]));
    }

    [Fact]
    public void Data_and_test_folders_must_exist_and_hold_one_folder_per_class()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-tree-" + Guid.NewGuid().ToString("N"));
        Assert.Contains($"--data: folder '{missing}' does not exist", Message(["--data", missing]));
        Assert.Contains($"--test: folder '{missing}' does not exist", Message(["--test", missing]));

        using var dir = new TempDir();
        var three = ClassTree(dir, 3);
        var message = Message(["--data", three]);
        Assert.Contains("must hold 10 class folders; it has 3", message);
    }

    [Fact]
    public void VisionTransformer_shares_the_options_but_refuses_way_and_saves_from_its_one_way()
    {
        Assert.Contains("unknown option '--way'", Message(["--way", "sequential"], takesWay: false));
        var save = Path.Combine(Path.GetTempPath(), "vit.keras");
        Assert.Equal(save, FiveWaysOptions.Parse(["--save", save, "--epochs", "1"], takesWay: false).SavePath);
        Assert.DoesNotContain("--way", FiveWaysOptions.Usage("VisionTransformer", takesWay: false));
        Assert.Contains("--way manual|module|function|subclass|sequential", FiveWaysOptions.Usage("FiveWaysCnn", takesWay: true));
    }

    /// <summary><paramref name="dir"/> with <paramref name="classes"/> empty class folders; returns its path.</summary>
    static string ClassTree(TempDir dir, int classes)
    {
        for (int c = 0; c < classes; c++) Directory.CreateDirectory(dir.File($"class{c}"));
        return dir.Path;
    }
}
