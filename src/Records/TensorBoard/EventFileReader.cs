using Pipeline.Records.TensorBoard;

namespace Pipeline.Records;

/// <summary>Reads TensorBoard event files (<c>tf.compat.v1.train.summary_iterator</c>), e.g. to check what a training run logged.</summary>
public static class EventFileReader
{
    /// <summary>The events of <paramref name="path"/> in file order, starting with the <c>file_version</c> event.</summary>
    /// <param name="path">An <c>events.out.tfevents.*</c> file.</param>
    /// <returns>The events, read lazily; both CRCs of each record are checked.</returns>
    public static IEnumerable<Event> ReadEvents(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Event file '{path}' does not exist.", path);
        return Read(path);

        static IEnumerable<Event> Read(string path)
        {
            using var reader = new TFRecordReader(path, bufferSize: 1 << 16);
            while (reader.TryReadNext(out var record))
                yield return Event.Parser.ParseFrom(record.Span);
        }
    }

    /// <summary>Every scalar logged under <paramref name="tag"/>, as (step, value), whether written TF1-style (simple_value) or TF2-style (a float tensor).</summary>
    /// <param name="path">An <c>events.out.tfevents.*</c> file.</param>
    /// <param name="tag">The series name, e.g. <c>epoch_loss</c>.</param>
    /// <returns>The points in file order.</returns>
    public static IReadOnlyList<(long Step, float Value)> ReadScalars(string path, string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var points = new List<(long, float)>();
        foreach (var e in ReadEvents(path))
        {
            if (e.Summary is null) continue;
            foreach (var v in e.Summary.Value)
            {
                if (v.Tag != tag) continue;
                if (v.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue) points.Add((e.Step, v.SimpleValue));
                else if (v.Tensor is { Dtype: DataType.DtFloat } t)
                    points.Add((e.Step, t.TensorContent.Length == 4 ? BitConverter.ToSingle(t.TensorContent.Span) : t.FloatVal.Count > 0 ? t.FloatVal[0] : float.NaN));
            }
        }
        return points;
    }
}
