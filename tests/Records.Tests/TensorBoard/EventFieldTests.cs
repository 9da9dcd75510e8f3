using Google.Protobuf;
using Pipeline.Records;
using Pipeline.Records.TensorBoard;

namespace Records.Tests.TensorBoard;

/// <summary>
/// Every field of tensorflow.Event survives reading (log messages, session logs, run metadata, graphs, audio), tensors
/// decode as tf.make_ndarray does, and ReadScalars on a tag that holds something else says what it holds.
/// </summary>
public class EventFieldTests
{
    private static TensorProto Tensor(DataType dtype, long[] shape, Action<TensorProto> fill)
    {
        var t = new TensorProto { Dtype = dtype, TensorShape = new TensorShapeProto() };
        foreach (var d in shape) t.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        fill(t);
        return t;
    }

    private static Event WithValue(long step, Summary.Types.Value value) => new() { Step = step, Summary = new Summary { Value = { value } } };

    [Fact]
    public void Every_event_field_tensorboard_writes_is_read_back()
    {
        using var dir = new TempDir();
        var path = dir.File("events.out.tfevents.1.host");
        TFRecordWriter.WriteAll(path, new IMessage[]
        {
            new Event { FileVersion = "brain.Event:2" },
            new Event { Step = 1, LogMessage = new LogMessage { Level = LogMessage.Types.Level.Warn, Message = "lr too high" } },
            new Event { Step = 2, SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Checkpoint, CheckpointPath = "/ckpt/model-2" } },
            new Event { Step = 3, TaggedRunMetadata = new TaggedRunMetadata { Tag = "step3", RunMetadata = ByteString.CopyFrom(1, 2, 3) } },
            new Event { Step = 4, GraphDef = ByteString.CopyFrom(7, 7) },
            new Event { Step = 5, MetaGraphDef = ByteString.CopyFrom(8) },
            WithValue(6, new Summary.Types.Value { Tag = "voice", Audio = new Summary.Types.Audio { SampleRate = 16000, NumChannels = 1, LengthFrames = 3, EncodedAudioString = ByteString.CopyFrom(1, 2), ContentType = "audio/wav" } }),
        });
        var events = EventFileReader.ReadEvents(path).ToList();
        Assert.Equal(7, events.Count);
        Assert.Equal("lr too high", events[1].LogMessage.Message);
        Assert.Equal(LogMessage.Types.Level.Warn, events[1].LogMessage.Level);
        Assert.Equal("/ckpt/model-2", events[2].SessionLog.CheckpointPath);
        Assert.Equal([1, 2, 3], events[3].TaggedRunMetadata.RunMetadata.ToByteArray());
        Assert.Equal([7, 7], events[4].GraphDef.ToByteArray());
        Assert.Equal([8], events[5].MetaGraphDef.ToByteArray());
        Assert.Equal("audio/wav", events[6].Summary.Value[0].Audio.ContentType);
        Assert.Equal(16000f, events[6].Summary.Value[0].Audio.SampleRate);
    }

    [Fact]
    public void Tensors_decode_like_make_ndarray_from_content_or_typed_values()
    {
        var content = Tensor(DataType.DtInt64, [2, 2], t => t.TensorContent = ByteString.CopyFrom([.. new long[] { 1, 2, 3, 4 }.SelectMany(BitConverter.GetBytes)]));
        var fromContent = TensorProtos.MakeNdarray(content);
        Assert.Equal([2, 2], fromContent.shape);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, fromContent.ToArray<long>());

        // A constant written with fewer values than its shape: the last value repeats (TensorFlow's rule).
        var filled = TensorProtos.MakeNdarray(Tensor(DataType.DtFloat, [3], t => t.FloatVal.Add([0.5f, 2f])));
        Assert.Equal(new[] { 0.5f, 2f, 2f }, filled.ToArray<float>());

        var scalar = TensorProtos.MakeNdarray(Tensor(DataType.DtDouble, [], t => t.DoubleVal.Add(2.5)));
        Assert.Equal(0, scalar.ndim);
        Assert.Equal(2.5, scalar.GetValue<double>());

        var text = TensorProtos.MakeStringTensor(Tensor(DataType.DtString, [2], t => t.StringVal.Add([ByteString.CopyFromUtf8("hello"), ByteString.CopyFromUtf8("wörld")])));
        Assert.Equal(["hello", "wörld"], text.ToStrings());
        Assert.Throws<NotSupportedException>(() => TensorProtos.MakeNdarray(Tensor(DataType.DtString, [1], t => t.StringVal.Add(ByteString.Empty))));
        var bad = Assert.Throws<InvalidDataException>(() => TensorProtos.MakeNdarray(Tensor(DataType.DtFloat, [2], t => t.TensorContent = ByteString.CopyFrom(1, 2, 3))));
        Assert.Contains("3 bytes", bad.Message);
    }

    [Fact]
    public void Tensors_of_the_tf2_fixture_decode_to_the_logged_scalars()
    {
        var values = EventFileReader.ReadEvents(Fixtures.Tf2Events)
            .Where(e => e.Summary is not null)
            .SelectMany(e => e.Summary.Value.Where(v => v.Tag == "my_metric").Select(v => (e.Step, Value: TensorProtos.MakeNdarray(v.Tensor).GetValue<float>())))
            .ToList();
        Assert.Equal(EventFileReader.ReadScalars(Fixtures.Tf2Events, "my_metric"), values);
    }

    [Fact]
    public void ReadScalars_on_a_tag_holding_something_else_says_what_it_holds()
    {
        using var dir = new TempDir();
        var path = dir.File("events.out.tfevents.2.host");
        TFRecordWriter.WriteAll(path, new IMessage[]
        {
            new Event { FileVersion = "brain.Event:2" },
            WithValue(0, new Summary.Types.Value { Tag = "loss", Tensor = Tensor(DataType.DtDouble, [], t => t.DoubleVal.Add(0.25)) }),
            WithValue(3, new Summary.Types.Value { Tag = "weights", Histo = new HistogramProto { Num = 1 } }),
            WithValue(4, new Summary.Types.Value { Tag = "kernel", Tensor = Tensor(DataType.DtFloat, [2, 2], t => t.FloatVal.Add(1)) }),
        });
        Assert.Equal([(0L, 0.25f)], EventFileReader.ReadScalars(path, "loss"));   // a float64 scalar tensor counts
        Assert.Empty(EventFileReader.ReadScalars(path, "absent"));
        var histogram = Assert.Throws<InvalidOperationException>(() => EventFileReader.ReadScalars(path, "weights"));
        Assert.Contains("'weights'", histogram.Message);
        Assert.Contains("a histogram at step 3", histogram.Message);
        var tensor = Assert.Throws<InvalidOperationException>(() => EventFileReader.ReadScalars(path, "kernel"));
        Assert.Contains("shape [2, 2]", tensor.Message);
    }
}
