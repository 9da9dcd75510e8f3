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

    /// <summary>
    /// Every scalar logged under <paramref name="tag"/>, as (step, value), whether written TF1-style (simple_value) or
    /// TF2-style (a scalar tensor of any numeric dtype, converted to float).
    /// </summary>
    /// <param name="path">An <c>events.out.tfevents.*</c> file.</param>
    /// <param name="tag">The series name, e.g. <c>epoch_loss</c>.</param>
    /// <returns>The points in file order; empty when nothing was logged under the tag.</returns>
    /// <exception cref="InvalidOperationException">The tag holds something else (histograms, images, audio, a tensor
    /// with more than one value): the message says what, at which step.</exception>
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
                if (v.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue)
                {
                    points.Add((e.Step, v.SimpleValue));
                    continue;
                }
                if (v.ValueCase == Summary.Types.Value.ValueOneofCase.Tensor && v.Tensor.Dtype != DataType.DtString
                    && (v.Tensor.TensorShape?.Dim.All(d => d.Size == 1) ?? true))
                {
                    var value = TensorProtos.MakeNdarray(v.Tensor);
                    if (value.size == 1)
                    {
                        points.Add((e.Step, Convert.ToSingle(value.GetValue(new int[value.ndim]), System.Globalization.CultureInfo.InvariantCulture)));
                        continue;
                    }
                }
                throw new InvalidOperationException(
                    $"ReadScalars: tag '{tag}' in '{path}' holds {Describe(v)} at step {e.Step}, not scalars. " +
                    "Read it with ReadEvents (and TensorProtos.MakeNdarray / MakeStringTensor for tensors).");
            }
        }
        return points;
    }

    static string Describe(Summary.Types.Value v) => v.ValueCase switch
    {
        Summary.Types.Value.ValueOneofCase.Histo => "a histogram",
        Summary.Types.Value.ValueOneofCase.Image => "an image",
        Summary.Types.Value.ValueOneofCase.Audio => "audio",
        Summary.Types.Value.ValueOneofCase.ObsoleteOldStyleHistogram => "an old-style histogram",
        Summary.Types.Value.ValueOneofCase.Tensor => $"a {v.Tensor.Dtype} tensor of shape [{string.Join(", ", v.Tensor.TensorShape?.Dim.Select(d => d.Size) ?? [])}]" +
            (v.Metadata?.PluginData?.PluginName is { Length: > 0 } plugin ? $" (plugin '{plugin}')" : ""),
        _ => "no value",
    };
}
