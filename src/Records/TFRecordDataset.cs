namespace Pipeline.Records;

/// <summary>
/// The records of one or more TFRecord files, as <c>tf.data.TFRecordDataset</c>: a <see cref="Dataset{T}"/> whose
/// elements are the records' bytes (usually serialized <see cref="Example"/>s), each a fresh array owned by the receiver.
/// Streaming with bounded memory; both CRCs of every record are verified. Composes with every transformation:
/// <code>
/// var ds = new TFRecordDataset(files, TFRecordCompression.Gzip, numParallelReads: 4)
///     .Map(record => Parse(record), numParallelCalls: Dataset.Autotune)
///     .Shuffle(1000).Batch(32).Prefetch();
/// </code>
/// </summary>
/// <remarks>
/// With <c>numParallelReads</c> &gt; 1 that many files are read at once on background threads and their records are
/// interleaved one at a time, in the same deterministic order as TensorFlow's
/// <c>interleave(cycle_length=num_parallel_reads, block_length=1)</c>.
/// Corrupt data raises <see cref="DataLossException"/> naming the file and offset, unless <c>skipCorrupt</c> is set,
/// in which case it is dropped and counted in <see cref="SkippedRecords"/>. A record that frames correctly but does not
/// parse (<see cref="ExampleParser"/> in a later <c>Map</c>) is named in the parser's error by file, record index and
/// byte offset: the dataset remembers where the last 65,536 records it read came from.
/// </remarks>
public sealed class TFRecordDataset : Dataset<byte[]>
{
    private long _skippedRecords;
    private long _skippedBytes;
    private TFRecordDataset? _parent; // a per-file dataset made for numParallelReads counts into its parent

    /// <summary>Reads the records of <paramref name="filenames"/>, file after file (or interleaved, see remarks).</summary>
    /// <param name="filenames">TFRecord files, in order.</param>
    /// <param name="compression">None, GZIP or ZLIB for all files (<c>compression_type</c>).</param>
    /// <param name="bufferSize">Bytes in each file's read buffer; null for the default (1 MiB).</param>
    /// <param name="numParallelReads">How many files to read at once; 1 reads them one after another.</param>
    /// <param name="skipCorrupt">Drop and count corrupt records instead of raising <see cref="DataLossException"/>.</param>
    public TFRecordDataset(IEnumerable<string> filenames, TFRecordCompression compression = TFRecordCompression.None,
        int? bufferSize = null, int numParallelReads = 1, bool skipCorrupt = false)
    {
        ArgumentNullException.ThrowIfNull(filenames);
        FileNames = filenames.ToArray();
        if (FileNames.Count == 0) throw new ArgumentException("TFRecordDataset needs at least one file name.", nameof(filenames));
        foreach (var f in FileNames)
            if (string.IsNullOrEmpty(f)) throw new ArgumentException("A file name is null or empty.", nameof(filenames));
        ArgumentOutOfRangeException.ThrowIfLessThan(numParallelReads, 1, nameof(numParallelReads));
        if (bufferSize is { } b) ArgumentOutOfRangeException.ThrowIfLessThan(b, 64, nameof(bufferSize));
        Compression = compression;
        BufferSize = bufferSize ?? TFRecordReader.DefaultBufferSize;
        NumParallelReads = numParallelReads;
        SkipCorrupt = skipCorrupt;
    }

    /// <summary>Reads the records of one file.</summary>
    /// <param name="filename">The TFRecord file.</param>
    /// <param name="compression">None, GZIP or ZLIB.</param>
    /// <param name="bufferSize">Bytes in the read buffer; null for the default (1 MiB).</param>
    /// <param name="skipCorrupt">Drop and count corrupt records instead of raising <see cref="DataLossException"/>.</param>
    public TFRecordDataset(string filename, TFRecordCompression compression = TFRecordCompression.None, int? bufferSize = null, bool skipCorrupt = false)
        : this([filename], compression, bufferSize, 1, skipCorrupt)
    {
    }

    /// <summary>The files, in order.</summary>
    public IReadOnlyList<string> FileNames { get; }

    /// <summary>Compression of every file.</summary>
    public TFRecordCompression Compression { get; }

    /// <summary>Read buffer per file, in bytes.</summary>
    public int BufferSize { get; }

    /// <summary>Files read at once.</summary>
    public int NumParallelReads { get; }

    /// <summary>Whether corrupt data is dropped and counted instead of raising an error.</summary>
    public bool SkipCorrupt { get; }

    /// <summary>Corrupt records dropped so far, over all iterations (only with <see cref="SkipCorrupt"/>).</summary>
    public long SkippedRecords => Interlocked.Read(ref _skippedRecords);

    /// <summary>Corrupt bytes dropped so far, over all iterations (only with <see cref="SkipCorrupt"/>).</summary>
    public long SkippedBytes => Interlocked.Read(ref _skippedBytes);

    /// <summary>How the plan prints this source, e.g. <c>TFRecordDataset(2 files, compression=Gzip, numParallelReads=2)</c>.</summary>
    public override PlanStep Step
    {
        get
        {
            var step = new PlanStep("TFRecordDataset", StepKind.Source)
                .With("files", FileNames.Count, positional: true, text: FileNames.Count == 1 ? $"'{Path.GetFileName(FileNames[0])}'" : $"{FileNames.Count} files");
            if (Compression != TFRecordCompression.None) step.With("compression", Compression);
            if (BufferSize != TFRecordReader.DefaultBufferSize) step.With("bufferSize", BufferSize);
            if (NumParallelReads != 1) step.With("numParallelReads", NumParallelReads);
            if (SkipCorrupt) step.With("skipCorrupt", true);
            return step;
        }
    }

    /// <summary>Streams the records; each array is new and belongs to the receiver.</summary>
    /// <param name="context">Cancellation of this iteration.</param>
    /// <returns>The records.</returns>
    protected override IEnumerable<byte[]> Iterate(IterationContext context) =>
        NumParallelReads == 1 || FileNames.Count == 1 ? Sequential(context.CancellationToken) : Interleaved(context.CancellationToken);

    private IEnumerable<byte[]> Sequential(CancellationToken cancel)
    {
        foreach (var file in FileNames)
            foreach (var record in ReadFile(file, cancel))
                yield return record;
    }

    private IEnumerable<byte[]> ReadFile(string file, CancellationToken cancel) =>
        ReadFile(file, cancel, (reader, record, index) =>
        {
            var copy = GC.AllocateUninitializedArray<byte>(record.Length);
            record.CopyTo(copy);
            // Remembered so that a parse error in a later Map names this record (ExampleParser looks it up).
            RecordOrigins.Add(copy.Length, reader.LastDataCrc, file, index, reader.LastRecordOffset, Compression != TFRecordCompression.None);
            return copy;
        });

    private IEnumerable<T> ReadFile<T>(string file, CancellationToken cancel, RecordFactory<T> make)
    {
        using var reader = new TFRecordReader(file, Compression, BufferSize, SkipCorrupt);
        long skippedRecords = 0, skippedBytes = 0, index = 0;
        try
        {
            while (reader.TryReadNext(out var record))
            {
                cancel.ThrowIfCancellationRequested();
                Account(reader, ref skippedRecords, ref skippedBytes);
                yield return make(reader, record.Span, index++);
            }
        }
        finally
        {
            Account(reader, ref skippedRecords, ref skippedBytes);
        }
    }

    private delegate T RecordFactory<T>(TFRecordReader reader, ReadOnlySpan<byte> record, long index);

    /// <summary>
    /// The same records in pooled buffers (<see cref="RecordBuffer"/>): no new array per record, so large records cost no
    /// large-object-heap allocation each (no need to raise <c>System.GC.LOHThreshold</c>). Parse them in a <c>Map</c>
    /// (<c>ExampleParser.ParseSingleExample(record, features)</c> reads the buffer in place); the step returns each buffer
    /// to the pool when the function returns. Parse errors name the file and record index the buffer carries.
    /// </summary>
    /// <returns>A source with this dataset's files, compression, buffer size, parallel reads and skipCorrupt.</returns>
    public Dataset<RecordBuffer> Pooled() => new PooledRecords(this);

    private sealed class PooledRecords(TFRecordDataset records) : Dataset<RecordBuffer>
    {
        public override PlanStep Step => records.Step.With("pooled", true);

        protected override IEnumerable<RecordBuffer> Iterate(IterationContext context)
        {
            if (records.NumParallelReads == 1 || records.FileNames.Count == 1)
                return records.FileNames.SelectMany(file => records.ReadFile(file, context.CancellationToken,
                    (reader, record, index) => new RecordBuffer(record, file, index, reader.LastRecordOffset)));
            var files = Dataset.FromTensorSlices(records.FileNames.ToArray());
            return files.Interleave(file => new TFRecordDataset([file], records.Compression, records.BufferSize, 1, records.SkipCorrupt) { _parent = records }.Pooled(),
                cycleLength: records.NumParallelReads, blockLength: 1, numParallelCalls: records.NumParallelReads).WithCancellation(context.CancellationToken);
        }
    }

    private void Account(TFRecordReader reader, ref long records, ref long bytes)
    {
        var target = _parent ?? this;
        if (reader.SkippedRecords != records)
        {
            Interlocked.Add(ref target._skippedRecords, reader.SkippedRecords - records);
            records = reader.SkippedRecords;
        }
        if (reader.SkippedBytes != bytes)
        {
            Interlocked.Add(ref target._skippedBytes, reader.SkippedBytes - bytes);
            bytes = reader.SkippedBytes;
        }
    }

    /// <summary>
    /// TensorFlow's <c>num_parallel_reads</c> is <c>interleave(cycle_length=n, block_length=1, num_parallel_calls=n)</c> over
    /// one dataset per file; Pipeline's Interleave does exactly that, each open file read ahead on its own thread.
    /// </summary>
    private IEnumerable<byte[]> Interleaved(CancellationToken iteration)
    {
        var files = Dataset.FromTensorSlices(FileNames.ToArray());
        var records = files.Interleave(file => new TFRecordDataset([file], Compression, BufferSize, 1, SkipCorrupt) { _parent = this },
            cycleLength: NumParallelReads, blockLength: 1, numParallelCalls: NumParallelReads);
        foreach (var record in records.WithCancellation(iteration))
            yield return record;
    }
}
