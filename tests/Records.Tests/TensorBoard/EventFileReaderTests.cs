using Pipeline.Records;

namespace Records.Tests.TensorBoard;

public class EventFileReaderTests
{
    [Fact]
    public void Scalars_read_the_same_from_tf1_simple_values_and_tf2_tensors()
    {
        var tf2 = EventFileReader.ReadScalars(Fixtures.Tf2Events, "my_metric");
        Assert.Equal(Enumerable.Range(0, 100).Select(s => ((long)s, 0.5f * s)), tf2);
        var tf1 = EventFileReader.ReadScalars(Fixtures.Tf1Events, "bleu/dev");
        Assert.Equal(360, tf1.Count);
        Assert.Equal(102600, tf1.MaxBy(p => p.Value).Step);
    }

    [Fact]
    public void What_the_writer_logs_the_reader_returns()
    {
        using var dir = new TempDir();
        string path;
        using (var writer = new EventFileWriter(dir.Path))
        {
            writer.AddScalar("epoch_loss", 0.75, 0);
            writer.AddScalar("epoch_loss", 0.5, 1);
            path = writer.FilePath;
        }
        Assert.Equal([(0L, 0.75f), (1L, 0.5f)], EventFileReader.ReadScalars(path, "epoch_loss"));
        Assert.Equal("brain.Event:2", EventFileReader.ReadEvents(path).First().FileVersion);
    }
}
