using System.Diagnostics;
using System.Globalization;
using Pipeline.Records;
using Pipeline.Records.Framing;

/// <summary>
/// `records` suite: TFRecord read (both CRCs, from page cache) vs a raw FileStream read of the same file in the same run,
/// write throughput, CRC32C throughput, and the cost of parsing an image+label Example.
/// Usage: dotnet run -c Release --project bench -- records [parse] [--size-mib 1024] [--record-kib 100] [--dir /tmp] [--repeats 3] [--parse-n 20000]
/// ("parse": only the Example parsing figures, with their breakdown)
/// </summary>
public static class RecordsBench
{
    /// <summary>Runs the suite and prints one line per figure.</summary>
    /// <param name="args">Options, see the class summary.</param>
    /// <returns>0 on success.</returns>
    public static int Run(string[] args)
    {
        long sizeMiB = Option(args, "--size-mib", 1024);
        int recordKiB = (int)Option(args, "--record-kib", 100);
        int repeats = (int)Option(args, "--repeats", 3);
        string baseDir = OptionString(args, "--dir") ?? Path.GetTempPath();
        string dir = Path.Combine(baseDir, "records-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        Console.WriteLine($"records bench: {sizeMiB} MiB file of {recordKiB} KiB records in {dir}; best of {repeats}; {Environment.ProcessorCount} cores");
        try
        {
            if (args.Contains("parse")) { Parse(args); return 0; }
            Crc(repeats);
            string path = Path.Combine(dir, "bench.tfrecord");
            Write(path, sizeMiB, recordKiB);
            Read(path, repeats);
            GzipRead(Path.Combine(dir, "bench.tfrecord.gz"), repeats);
            Parse(args);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    private static void Crc(int repeats)
    {
        var data = new byte[1 << 20];
        new Random(1).NextBytes(data);
        const int rounds = 2048; // 2 GiB per measurement
        double best3 = 0, best1 = 0;
        uint sink = 0;
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < rounds; i++) sink ^= Crc32C.Compute(data);
            best3 = Math.Max(best3, (double)rounds * data.Length / sw.Elapsed.TotalSeconds / 1e9);
            sw.Restart();
            for (int i = 0; i < rounds; i++) sink ^= Crc32C.ComputeSimple(data);
            best1 = Math.Max(best1, (double)rounds * data.Length / sw.Elapsed.TotalSeconds / 1e9);
        }
        Console.WriteLine(F($"crc32c 1 MiB buffers: 3 interleaved chains {best3:F1} GB/s, single chain {best1:F1} GB/s (sink {sink:x})"));
    }

    private static void Write(string path, long sizeMiB, int recordKiB)
    {
        var record = new byte[recordKiB * 1024];
        new Random(2).NextBytes(record);
        long count = sizeMiB * 1024 / recordKiB;
        double writes;
        var sw = Stopwatch.StartNew();
        using (var writer = new TFRecordWriter(path))
        {
            for (long i = 0; i < count; i++)
            {
                record[0] = (byte)i; // records differ, so CRCs differ
                writer.Write(record);
            }
            writes = sw.Elapsed.TotalSeconds;
            writer.Close(); // flush + fsync + rename
        }
        double seconds = sw.Elapsed.TotalSeconds;
        long bytes = new FileInfo(path).Length;

        // Baseline in the same run: the same bytes through a plain FileStream, no framing, no CRC, no fsync.
        string rawPath = path + ".raw";
        sw.Restart();
        using (var raw = new FileStream(rawPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            for (long i = 0; i < count; i++) raw.Write(record);
        double rawSeconds = sw.Elapsed.TotalSeconds;
        File.Delete(rawPath);
        Console.WriteLine(F($"write raw FileStream (same payload bytes, no fsync): {count * (long)record.Length / rawSeconds / 1e9:F2} GB/s"));
        Console.WriteLine(F($"write: {count} records, {bytes / 1e9:F3} GB in {seconds:F2} s = {bytes / seconds / 1e9:F2} GB/s durable (temp file + fsync + rename); {bytes / writes / 1e9:F2} GB/s into the page cache before Close"));
    }

    private static void Read(string path, int repeats)
    {
        long bytes = new FileInfo(path).Length;
        RawRead(path); // warm the page cache
        double raw = 0, reader = 0, dataset = 0, pooled = 0;
        long records = 0;
        for (int r = 0; r < repeats; r++)
        {
            raw = Math.Max(raw, Measure(() => RawRead(path), bytes));
            reader = Math.Max(reader, Measure(() => records = ReaderRead(path), bytes));
            dataset = Math.Max(dataset, Measure(() => DatasetRead(path), bytes));
            pooled = Math.Max(pooled, Measure(() => PooledRead(path), bytes));
        }
        Console.WriteLine(F($"read raw FileStream (1 MiB reads, no parsing): {raw:F2} GB/s"));
        Console.WriteLine(F($"read TFRecordReader, both CRCs, spans into its buffer: {reader:F2} GB/s = {reader / raw:P0} of raw ({records} records)"));
        Console.WriteLine(F($"read TFRecordDataset, both CRCs, a new byte[] per record: {dataset:F2} GB/s = {dataset / raw:P0} of raw"));
        Console.WriteLine(F($"read TFRecordDataset.Pooled(), both CRCs, pooled buffers disposed by the consumer: {pooled:F2} GB/s = {pooled / raw:P0} of raw, {pooled / reader:P0} of TFRecordReader"));
    }

    /// <summary>
    /// GZIP read: TFRecordReader (zlib through System.IO.Compression.Native, plus the end-of-stream and trailer checks)
    /// against .NET's GZipStream decompressing the same file with no framing or CRC; 256 MiB of half-compressible records.
    /// </summary>
    private static void GzipRead(string path, int repeats)
    {
        var record = new byte[100 * 1024];
        new Random(3).NextBytes(record.AsSpan(0, record.Length / 2)); // the other half zeros: compresses about 2:1
        const long count = 256 * 1024 / 100;
        using (var writer = new TFRecordWriter(path, TFRecordCompression.Gzip, compressionLevel: 1))
            for (long i = 0; i < count; i++)
            {
                record[0] = (byte)i;
                writer.Write(record);
            }
        long plain = count * (record.Length + 16L);
        double gzipStream = 0, reader = 0;
        for (int r = 0; r < repeats; r++)
        {
            gzipStream = Math.Max(gzipStream, Measure(() =>
            {
                using var gz = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
                gz.CopyTo(Stream.Null, 1 << 20);
            }, plain));
            reader = Math.Max(reader, Measure(() =>
            {
                using var rd = new TFRecordReader(path, TFRecordCompression.Gzip);
                while (rd.TryReadNext(out _)) { }
            }, plain));
        }
        Console.WriteLine(F($"read GZIP ({new FileInfo(path).Length / 1e6:F0} MB compressed, {plain / 1e6:F0} MB of records): TFRecordReader, checked end and CRCs, {reader:F2} GB/s; .NET GZipStream alone {gzipStream:F2} GB/s (decompressed bytes per second)"));
    }

    private static double Measure(Action action, long bytes)
    {
        GC.Collect();
        var sw = Stopwatch.StartNew();
        action();
        return bytes / sw.Elapsed.TotalSeconds / 1e9;
    }

    private static long RawRead(string path)
    {
        var buffer = new byte[TFRecordReader.DefaultBufferSize];
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        long total = 0;
        int n;
        while ((n = fs.Read(buffer, 0, buffer.Length)) > 0) total += n;
        return total;
    }

    private static long ReaderRead(string path)
    {
        using var reader = new TFRecordReader(path);
        long n = 0;
        while (reader.TryReadNext(out _)) n++;
        return n;
    }

    private static long DatasetRead(string path)
    {
        long n = 0;
        foreach (var record in new TFRecordDataset(path)) n += record.Length;
        return n;
    }

    private static long PooledRead(string path)
    {
        long n = 0;
        foreach (var record in new TFRecordDataset(path).Pooled())
            using (record) n += record.Length;
        return n;
    }

    private static void Parse(string[] args)
    {
        string image = Path.Combine(SharedDir(), "fixtures", "cats-vs-dogs", "train", "cats", "cat.1.jpg");
        byte[] jpeg = File.Exists(image) ? File.ReadAllBytes(image) : new byte[33_385];
        byte[] serialized = File.Exists(image)
            ? Google.Protobuf.MessageExtensions.ToByteArray(Example.FromImage(jpeg, 1))
            : Google.Protobuf.MessageExtensions.ToByteArray(Example.FromFeatures(("image_raw", Feature.Bytes(jpeg)), ("label", Feature.Int64(1))));
        var spec = new Dictionary<string, FeatureSpec>
        {
            ["image_raw"] = new FixedLenFeature([], FeatureType.String),
            ["label"] = new FixedLenFeature([], FeatureType.Int64),
        };
        var keys = ExampleWire.EncodeKeys(spec.Keys);
        var found = new (int, int)[2];
        using var record = new RecordBuffer(serialized, "bench.tfrecord", 0, 0);
        (string Name, Action Body)[] parts =
        [
            ("ParseSingleExample(byte[]): the JPEG a view of the record", () => ExampleParser.ParseSingleExample(serialized, spec).Dispose()),
            ("ParseSingleExample(RecordBuffer): a pooled record, the JPEG copied out", () => ExampleParser.ParseSingleExample(record, spec).Dispose()),
            ("ParseSingleExample(byte[]) then Bytes(\"image_raw\") (the view copied)", () => { using var f = ExampleParser.ParseSingleExample(serialized, spec); f.Bytes("image_raw"); }),
            ("protobuf Example.Parser.ParseFrom alone", () => Example.Parser.ParseFrom(serialized)),
            ("  part: scan the wire format for the two keys", () => ExampleWire.TryScan(serialized, keys, found)),
            ("  part: copy the JPEG out (new byte[] + copy)", () => jpeg.AsSpan().ToArray()),
            ("  part: int64 scalar tensor (torch.tensor(1L)) + Dispose", () => TorchSharp.torch.tensor(1L).Dispose()),
        ];
        int n = (int)Option(args, "--parse-n", 20000);
        var best = new double[parts.Length];
        Array.Fill(best, double.MaxValue);
        for (int round = 0; round < 6; round++)   // interleaved rounds, round 0 warms up; best of the rest
            for (int p = 0; p < parts.Length; p++)
            {
                var body = parts[p].Body;
                GC.Collect();
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < n; i++) body();
                if (round > 0) best[p] = Math.Min(best[p], sw.Elapsed.TotalMicroseconds / n);
            }
        Console.WriteLine(F($"parse image+label Example ({serialized.Length} bytes, JPEG {jpeg.Length} bytes), best of 5 interleaved rounds of {n}: ParseSingleExample {best[0]:F2} us (protobuf decode alone {best[3]:F2} us; includes creating the int64 label tensor); load average {LoadAverage()}"));
        for (int p = 0; p < parts.Length; p++) Console.WriteLine(F($"  {parts[p].Name,-75} {best[p],8:F2} us"));
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    internal static string SharedDir()
    {
        var env = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, "shared", "fixtures"))) return Path.Combine(d.FullName, "shared");
        return "../shared";
    }

    private static long Option(string[] args, string name, long fallback)
    {
        var s = OptionString(args, name);
        return s is null ? fallback : long.Parse(s, CultureInfo.InvariantCulture);
    }

    private static string? OptionString(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
