using System.Text.RegularExpressions;
using Google.Protobuf;
using Pipeline.Records;
using Pipeline.Records.TensorBoard;

namespace Records.Tests.TensorBoard;

public class EventFileWriterTests
{
    private static List<Event> ReadEvents(string path) => Fixtures.ReadAll(path).Select(r => Event.Parser.ParseFrom(r)).ToList();

    [Fact]
    public void Tf2_fixture_holds_my_metric_equal_to_half_the_step_as_float_tensors()
    {
        var events = ReadEvents(Fixtures.Tf2Events);
        Assert.Equal(101, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(1585499054.0, events[0].WallTime);
        for (int step = 0; step < 100; step++)
        {
            var e = events[step + 1];
            Assert.Equal(step, e.Step);
            var v = Assert.Single(e.Summary.Value);
            Assert.Equal("my_metric", v.Tag);
            Assert.Equal("scalars", v.Metadata.PluginData.PluginName);
            Assert.Equal(DataType.DtFloat, v.Tensor.Dtype);
            Assert.Empty(v.Tensor.TensorShape.Dim);
            Assert.Equal(0.5f * step, BitConverter.ToSingle(v.Tensor.TensorContent.Span));
        }
    }

    [Fact]
    public void Tf1_fixture_bleu_dev_peaks_at_step_102600_as_lingvo_asserts()
    {
        var events = ReadEvents(Fixtures.Tf1Events);
        Assert.Equal(361, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var bleu = events.Skip(1).Select(e => (e.Step, Value: e.Summary.Value.Single(v => v.Tag == "bleu/dev").SimpleValue)).ToList();
        Assert.Equal(360, bleu.Count);
        Assert.All(events.Skip(1), e => Assert.Equal(7, e.Summary.Value.Count));
        Assert.Equal((1500L, 0.11201018840074539f), bleu[0]);
        Assert.Equal((185200L, 0.2852171063423157f), bleu[^1]);
        var best = bleu.MaxBy(b => b.Value);
        Assert.Equal(102600, best.Step);
        Assert.Equal(0.2882329523563385f, best.Value);
        Assert.True(bleu.Zip(bleu.Skip(1)).All(p => p.First.Step < p.Second.Step));
    }

    [Fact]
    public void Scalars_we_write_are_byte_identical_to_tensorflows_summary_values()
    {
        using var dir = new TempDir();
        string path;
        using (var writer = new EventFileWriter(dir.Path))
        {
            for (int step = 0; step < 100; step++) writer.AddScalar("my_metric", 0.5 * step, step);
            path = writer.FilePath;
        }
        var ours = ReadEvents(path);
        var theirs = ReadEvents(Fixtures.Tf2Events);
        Assert.Equal(theirs.Count, ours.Count);
        Assert.Equal("brain.Event:2", ours[0].FileVersion);
        for (int i = 1; i < ours.Count; i++)
        {
            Assert.Equal(theirs[i].Step, ours[i].Step);
            Assert.Equal(theirs[i].Summary.ToByteArray(), ours[i].Summary.ToByteArray());
        }
        Assert.InRange(ours[1].WallTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public void The_file_is_named_like_tensorflows_and_two_writers_never_share_one()
    {
        using var dir = new TempDir();
        using var a = new EventFileWriter(dir.Path);
        using var b = new EventFileWriter(dir.Path, ".v2");
        using var c = new EventFileWriter(dir.Path);
        Assert.Matches(new Regex(@"^events\.out\.tfevents\.\d{10}\." + Regex.Escape(Environment.MachineName) + "$"), Path.GetFileName(a.FilePath));
        Assert.EndsWith(".v2", b.FilePath);
        Assert.Equal(3, new[] { a.FilePath, b.FilePath, c.FilePath }.Distinct().Count());
    }

    [Fact]
    public void Flushed_events_are_readable_while_the_writer_is_still_open()
    {
        using var dir = new TempDir();
        using var writer = new EventFileWriter(Path.Combine(dir.Path, "logs", "train"));
        writer.AddScalar("epoch_loss", 0.25, 0);
        writer.AddImage("sample", [0x89, 0x50, 0x4e, 0x47], height: 2, width: 3, channels: 3, step: 0);
        writer.Flush();
        var events = ReadEvents(writer.FilePath);
        Assert.Equal(3, events.Count);
        Assert.Equal(0.25f, BitConverter.ToSingle(events[1].Summary.Value[0].Tensor.TensorContent.Span));
        var image = events[2].Summary.Value[0].Image;
        Assert.Equal((2, 3, 3), (image.Height, image.Width, image.Colorspace));
    }
}
