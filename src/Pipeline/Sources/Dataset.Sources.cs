namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>from_generator</c>: calls <paramref name="generator"/> at the start of each iteration and yields what the
    /// returned sequence yields (a C# iterator method is the natural generator).
    /// </summary>
    /// <param name="generator">Creates the sequence for one iteration.</param>
    /// <param name="cardinality">The number of elements when known; <see cref="UnknownCardinality"/> by default.</param>
    public static Dataset<T> FromGenerator<T>(Func<IEnumerable<T>> generator, long cardinality = UnknownCardinality)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new GeneratorDataset<T>(generator, FunctionNames.Of(generator), cardinality);
    }

    /// <summary><c>tf.data.TextLineDataset</c>: the lines of the files in order (UTF-8, without line terminators).</summary>
    /// <param name="filenames">One or more text files.</param>
    /// <param name="skipHeaderLines">Lines to skip at the start of each file.</param>
    public static Dataset<string> TextLineDataset(IEnumerable<string> filenames, long skipHeaderLines = 0) =>
        new TextLineDataset(FileNames.Check(filenames, "TextLineDataset"), skipHeaderLines);

    /// <summary><c>tf.data.TextLineDataset</c> for one file.</summary>
    /// <param name="filename">A text file.</param>
    /// <param name="skipHeaderLines">Lines to skip at the start.</param>
    public static Dataset<string> TextLineDataset(string filename, long skipHeaderLines = 0) => TextLineDataset([filename], skipHeaderLines);

    /// <summary>
    /// <c>tf.data.FixedLengthRecordDataset</c>: the <paramref name="recordBytes"/>-byte records of each file, after
    /// <paramref name="headerBytes"/> and before <paramref name="footerBytes"/> (CIFAR-10's binary files: 3,073-byte
    /// records, no header). A file whose body is not a whole number of records raises an error naming it.
    /// </summary>
    /// <param name="filenames">The files, read in order.</param>
    /// <param name="recordBytes">Bytes per record, at least 1.</param>
    /// <param name="headerBytes">Bytes to skip at the start of each file.</param>
    /// <param name="footerBytes">Bytes to ignore at the end of each file.</param>
    public static Dataset<byte[]> FixedLengthRecordDataset(IEnumerable<string> filenames, int recordBytes, int headerBytes = 0, int footerBytes = 0)
    {
        if (recordBytes < 1) throw new ArgumentOutOfRangeException(nameof(recordBytes), recordBytes, $"FixedLengthRecordDataset: recordBytes must be at least 1, but was {recordBytes}.");
        if (headerBytes < 0) throw new ArgumentOutOfRangeException(nameof(headerBytes), headerBytes, "FixedLengthRecordDataset: headerBytes must not be negative.");
        if (footerBytes < 0) throw new ArgumentOutOfRangeException(nameof(footerBytes), footerBytes, "FixedLengthRecordDataset: footerBytes must not be negative.");
        return new FixedLengthRecordDataset(FileNames.Check(filenames, "FixedLengthRecordDataset"), recordBytes, headerBytes, footerBytes);
    }

    /// <summary>
    /// <c>tf.data.Dataset.list_files</c>: the files matching <paramref name="filePattern"/> (<c>*</c>, <c>?</c>,
    /// <c>[abc]</c>, and <c>**</c> for any depth of folders), globbed at each iteration.
    /// </summary>
    /// <param name="filePattern">A path with wildcards, e.g. <c>data/train/*/*.jpg</c>.</param>
    /// <param name="shuffle">Shuffle the names (default true, as in TF); false sorts them.</param>
    /// <param name="seed">Makes the shuffled order reproducible; each iteration still gets a new order; null follows <see cref="RandomSeed"/>.</param>
    public static Dataset<string> ListFiles(string filePattern, bool shuffle = true, long? seed = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePattern);
        return new ListFilesDataset(filePattern, shuffle, seed);
    }

    /// <summary>
    /// <c>tf.data.experimental.make_csv_dataset</c>: batches of (features by column name, label) read from CSV files,
    /// shuffled and repeated like TF's defaults. Numeric columns only (TorchSharp has no string tensors).
    /// </summary>
    /// <param name="filePattern">CSV file(s), with wildcards allowed.</param>
    /// <param name="batchSize">Rows per batch.</param>
    /// <param name="labelName">The column returned as the label.</param>
    /// <param name="columnNames">Column names; read from the header line when null.</param>
    /// <param name="columnDefaults">Per column: a default value (int, long, float or double, which also fixes its dtype), a
    /// type (<c>typeof(float)</c>: required, no default) or null (inferred: int32 when the first rows hold integers, else float32; required).</param>
    /// <param name="selectColumns">Only these columns (the label is always kept).</param>
    /// <param name="fieldDelimiter">The separator, ',' by default.</param>
    /// <param name="header">Whether each file starts with a header line.</param>
    /// <param name="numEpochs">Passes over the data; null repeats forever (TF's default).</param>
    /// <param name="shuffle">Shuffle rows (TF's default true).</param>
    /// <param name="shuffleBufferSize">Shuffle buffer in rows.</param>
    /// <param name="shuffleSeed">Seed for a reproducible order.</param>
    /// <param name="prefetchBufferSize">Batches to prefetch; 0 disables.</param>
    public static Dataset<(Dictionary<string, TorchSharp.torch.Tensor> Features, TorchSharp.torch.Tensor Label)> MakeCsvDataset(
        string filePattern, int batchSize, string labelName, string[]? columnNames = null, object[]? columnDefaults = null,
        string[]? selectColumns = null, char fieldDelimiter = ',', bool header = true, int? numEpochs = null, bool shuffle = true,
        int shuffleBufferSize = 10_000, long? shuffleSeed = null, int prefetchBufferSize = Autotune)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labelName);
        var (rows, schema) = CsvRows(filePattern, batchSize, labelName, columnNames, columnDefaults, selectColumns, fieldDelimiter, header, numEpochs, shuffle, shuffleBufferSize, shuffleSeed);
        Dataset<(Dictionary<string, TorchSharp.torch.Tensor> Features, TorchSharp.torch.Tensor Label)> batches = rows.Batch(batchSize, items => Csv.Collate(items, schema));
        return prefetchBufferSize == 0 ? batches : batches.Prefetch(prefetchBufferSize);
    }

    /// <summary>
    /// <c>make_csv_dataset</c> without a label column (TF's <c>label_name=None</c>): batches of features by column name.
    /// </summary>
    /// <param name="filePattern">CSV file(s), with wildcards allowed.</param>
    /// <param name="batchSize">Rows per batch.</param>
    /// <param name="columnNames">Column names; read from the header line when null.</param>
    /// <param name="columnDefaults">Per column: a default value, a type, or null (see the overload with a label).</param>
    /// <param name="selectColumns">Only these columns.</param>
    /// <param name="fieldDelimiter">The separator, ',' by default.</param>
    /// <param name="header">Whether each file starts with a header line.</param>
    /// <param name="numEpochs">Passes over the data; null repeats forever (TF's default).</param>
    /// <param name="shuffle">Shuffle rows (TF's default true).</param>
    /// <param name="shuffleBufferSize">Shuffle buffer in rows.</param>
    /// <param name="shuffleSeed">Seed for a reproducible order.</param>
    /// <param name="prefetchBufferSize">Batches to prefetch; 0 disables.</param>
    public static Dataset<Dictionary<string, TorchSharp.torch.Tensor>> MakeCsvDataset(
        string filePattern, int batchSize, string[]? columnNames = null, object[]? columnDefaults = null,
        string[]? selectColumns = null, char fieldDelimiter = ',', bool header = true, int? numEpochs = null, bool shuffle = true,
        int shuffleBufferSize = 10_000, long? shuffleSeed = null, int prefetchBufferSize = Autotune)
    {
        var (rows, schema) = CsvRows(filePattern, batchSize, null, columnNames, columnDefaults, selectColumns, fieldDelimiter, header, numEpochs, shuffle, shuffleBufferSize, shuffleSeed);
        var batches = rows.Batch(batchSize, items => Csv.CollateFeatures(items, schema));
        return prefetchBufferSize == 0 ? batches : batches.Prefetch(prefetchBufferSize);
    }

    static (Dataset<double[]> Rows, CsvSchema Schema) CsvRows(string filePattern, int batchSize, string? labelName, string[]? columnNames, object[]? columnDefaults,
        string[]? selectColumns, char fieldDelimiter, bool header, int? numEpochs, bool shuffle, int shuffleBufferSize, long? shuffleSeed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePattern);
        CheckBatchSize(batchSize);
        var files = Glob.Expand(filePattern);
        if (files.Length == 0) throw new FileNotFoundException($"MakeCsvDataset: no files match '{filePattern}'.");
        var schema = Csv.InferSchema(files[0], columnNames, columnDefaults, labelName, selectColumns, header, fieldDelimiter);
        Dataset<double[]> rows = new CsvRowsDataset(files, filePattern, schema, header, fieldDelimiter);
        if (shuffle) rows = rows.Shuffle(shuffleBufferSize, shuffleSeed);
        rows = numEpochs is { } n ? rows.Repeat(n) : rows.Repeat();
        return (rows, schema);
    }
}
