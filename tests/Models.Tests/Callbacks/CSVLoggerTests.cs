using System.Globalization;
using Pipeline.Models.Callbacks;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Callbacks;

public sealed class CSVLoggerTests : IDisposable
{
    readonly CallbackTestKit _kit = new();

    public void Dispose() => _kit.Dispose();

    History Train(CSVLogger logger, int epochs, int seed)
    {
        manual_seed(seed);
        var (x, y) = TinyData.Blocks(48, seed: seed);
        using var model = CallbackTestKit.Compiled();
        return model.Fit(x, y, batchSize: 12, epochs: epochs, validationSplit: 0.25, verbose: 0, callbacks: [logger]);
    }

    [Fact]
    public void Writes_a_sorted_header_and_one_row_per_epoch_equal_to_history()
    {
        var file = Path.Combine(_kit.Dir, "training.log");
        var history = Train(new CSVLogger(file), epochs: 3, seed: 41);

        var lines = File.ReadAllLines(file);
        Assert.Equal("epoch,accuracy,loss,val_accuracy,val_loss", lines[0]);
        Assert.Equal(4, lines.Length);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var fields = lines[epoch + 1].Split(',');
            Assert.Equal(epoch.ToString(CultureInfo.InvariantCulture), fields[0]);
            string[] keys = ["accuracy", "loss", "val_accuracy", "val_loss"];
            for (int k = 0; k < keys.Length; k++)
                Assert.Equal(history[keys[k]][epoch], double.Parse(fields[k + 1], CultureInfo.InvariantCulture));
        }
        Assert.Contains("\r\n", File.ReadAllText(file));
    }

    [Fact]
    public void Append_adds_rows_to_an_existing_log_without_a_second_header_and_separator_is_used()
    {
        var file = Path.Combine(_kit.Dir, "training.tsv");
        Train(new CSVLogger(file, separator: "\t"), epochs: 1, seed: 42);
        Train(new CSVLogger(file, separator: "\t", append: true), epochs: 2, seed: 43);

        var lines = File.ReadAllLines(file);
        Assert.Equal(["epoch\taccuracy\tloss\tval_accuracy\tval_loss"], lines.Where(l => l.StartsWith("epoch", StringComparison.Ordinal)));
        Assert.Equal(["0", "0", "1"], lines.Skip(1).Select(l => l.Split('\t')[0]));
    }

    [Fact]
    public void Without_append_a_new_run_overwrites_the_log()
    {
        var file = Path.Combine(_kit.Dir, "training.log");
        Train(new CSVLogger(file), epochs: 2, seed: 44);
        Train(new CSVLogger(file), epochs: 1, seed: 45);
        Assert.Equal(2, File.ReadAllLines(file).Length);
    }
}
