using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public class ProgressTests
{
    // Keras prints "%.4f", or "%.4e" at or below 1e-3 (an untrained model may score 0 accuracy).
    const string Value = @"(\d\.\d{4}|\d\.\d{4}e[+-]\d\d)";

    static (Sequential Model, StringWriter Output) Model(bool terminal)
    {
        var model = TinyData.SmallCnn();
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var output = new StringWriter();
        model.ProgressWriter = output;
        model.ProgressIsTerminal = terminal;
        return (model, output);
    }

    [Fact]
    public void Redirected_output_gets_one_keras_line_per_epoch()
    {
        var (x, y) = TinyData.Blocks(50, seed: 1);
        var (model, output) = Model(terminal: false);
        using (model) model.Fit(x, y, batchSize: 8, epochs: 2, validationSplit: 0.2, verbose: 1);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("Epoch 1/2", lines[0]);
        Assert.Equal("Epoch 2/2", lines[2]);
        var bar = new Regex(@"^5/5 \[==============================\] - \d+s \d+(ms|us|s)/step - loss: \d\.\d{4} - accuracy: " + Value + @" - val_loss: \d\.\d{4} - val_accuracy: " + Value + @"$");
        Assert.Matches(bar, lines[1]);
        Assert.Matches(bar, lines[3]);
        Assert.DoesNotContain('\r', output.ToString());
    }

    [Fact]
    public void A_terminal_gets_a_live_bar_redrawn_with_carriage_returns()
    {
        var (x, y) = TinyData.Blocks(40, seed: 2);
        var (model, output) = Model(terminal: true);
        using (model) model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 1);
        var text = output.ToString();
        Assert.StartsWith("Epoch 1/1\n\r", text);
        Assert.Matches(new Regex(@"\r5/5 \[==============================\] - \d+s \d+(ms|us|s)/step - loss: \d\.\d{4} - accuracy: " + Value + @" *\n$"), text);
    }

    [Fact]
    public void Verbose_2_prints_one_summary_line_per_epoch_and_verbose_0_nothing()
    {
        var (x, y) = TinyData.Blocks(40, seed: 3);
        var (model, output) = Model(terminal: true);
        using (model)
        {
            model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 2);
            Assert.Matches(new Regex(@"^Epoch 1/1\n5/5 - \d+s - loss: \d\.\d{4} - accuracy: " + Value + @" - \d+s/epoch - \d+(ms|us|s)/step\n$"), output.ToString());
            output.GetStringBuilder().Clear();
            model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0);
            Assert.Equal("", output.ToString());
        }
    }

    [Fact]
    public void Evaluate_prints_a_single_bar_line()
    {
        var (x, y) = TinyData.Blocks(40, seed: 4);
        var (model, output) = Model(terminal: false);
        using (model) model.Evaluate(x, y, batchSize: 16, verbose: 1);
        Assert.Matches(new Regex(@"^3/3 \[==============================\] - \d+s \d+(ms|us|s)/step - loss: \d\.\d{4} - accuracy: " + Value + @"\n$"), output.ToString());
    }

    [Theory]
    [InlineData(0.5, "0.5000")]
    [InlineData(1.23456, "1.2346")]
    [InlineData(0.00012, "1.2000e-04")]
    [InlineData(0.0, "0.0000e+00")]
    public void Values_are_formatted_like_keras_progbar(double value, string expected) =>
        Assert.Equal(expected, Training.ProgressBar.FormatValue(value));
}
