using System.Text;

namespace Pipeline;

/// <summary><c>TextLineDataset</c>: the lines of each file in turn, without line terminators.</summary>
sealed class TextLineDataset(string[] files, long skipHeaderLines) : Dataset<string>
{
    readonly PlanStep _step = new PlanStep("TextLineDataset", StepKind.Source).With("files", FileNames.Describe(files), positional: true);

    public override PlanStep Step => _step;

    protected override IEnumerable<string> Iterate(IterationContext context)
    {
        foreach (var file in files)
        {
            using var reader = Open(file);
            long lineNumber = 0;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                if (lineNumber++ < skipHeaderLines) continue;
                yield return line;
            }
        }
    }

    static StreamReader Open(string file)
    {
        try
        {
            return new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"TextLineDataset: cannot open '{file}': {e.Message}", e);
        }
    }
}
