namespace Pipeline;

/// <summary><c>FixedLengthRecordDataset</c>: fixed-size records between a header and a footer of each file.</summary>
sealed class FixedLengthRecordDataset(string[] files, int recordBytes, int headerBytes, int footerBytes) : Dataset<byte[]>
{
    readonly PlanStep _step = CreateStep(files, recordBytes, headerBytes, footerBytes);

    static PlanStep CreateStep(string[] files, int recordBytes, int headerBytes, int footerBytes)
    {
        var step = new PlanStep("FixedLengthRecordDataset", StepKind.Source, StepTraits.None)
            .With("files", FileNames.Describe(files), positional: true).With("recordBytes", recordBytes);
        if (headerBytes != 0) step.With("headerBytes", headerBytes);
        if (footerBytes != 0) step.With("footerBytes", footerBytes);
        return step;
    }

    public override PlanStep Step => _step;

    public override long Cardinality()
    {
        long total = 0;
        foreach (var f in files)
        {
            var info = new FileInfo(f);
            if (!info.Exists) return Dataset.UnknownCardinality;
            total += Math.Max(0, info.Length - headerBytes - footerBytes) / recordBytes;
        }
        return total;
    }

    protected override IEnumerable<byte[]> Iterate(IterationContext context)
    {
        foreach (var file in files)
        {
            using var stream = Open(file);
            var body = stream.Length - headerBytes - footerBytes;
            if (body < 0 || body % recordBytes != 0)
                throw new InvalidDataException(
                    $"FixedLengthRecordDataset: '{file}' has {stream.Length} bytes; after a {headerBytes}-byte header and a {footerBytes}-byte footer " +
                    $"that leaves {body} bytes, which is not a whole number of {recordBytes}-byte records (remainder {(body < 0 ? body : body % recordBytes)}).");
            stream.Seek(headerBytes, SeekOrigin.Begin);
            var count = body / recordBytes;
            for (long i = 0; i < count; i++)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                var record = new byte[recordBytes];
                stream.ReadExactly(record);
                yield return record;
            }
        }
    }

    static FileStream Open(string file)
    {
        try
        {
            return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"FixedLengthRecordDataset: cannot open '{file}': {e.Message}", e);
        }
    }
}
