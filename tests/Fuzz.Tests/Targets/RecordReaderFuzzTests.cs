using Fuzz.Tests.Harness;
using Pipeline.Records;
using Xunit.Abstractions;

namespace Fuzz.Tests.Targets;

/// <summary>
/// The TFRecord reader on mutated files, plain and compressed. Its contract: bad data is a <see cref="DataLossException"/>
/// (naming the file and offset), nothing else; in skip mode nothing at all; and a plain file it accepts is exactly the
/// frames of the records it returned, so no byte was ignored.
/// </summary>
public class RecordReaderFuzzTests(ITestOutputHelper output)
{
    static void ReadAll(byte[] input, TFRecordCompression compression)
    {
        // Skip mode first: it must never throw, whatever the input.
        try
        {
            using var skipping = new TFRecordReader(new MemoryStream(input), compression, bufferSize: 4096, skipCorrupt: true, name: "fuzz");
            while (skipping.TryReadNext(out _)) { }
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"skipCorrupt: true threw {e.GetType().Name}: {e.Message}", e);
        }

        var records = new List<byte[]>();
        using (var reader = new TFRecordReader(new MemoryStream(input), compression, bufferSize: 4096, name: "fuzz"))
            while (reader.TryReadNext(out var r)) records.Add(r.ToArray());
        if (compression == TFRecordCompression.None)
        {
            var framed = new MemoryStream();
            using (var writer = new TFRecordWriter(framed, leaveOpen: true)) foreach (var r in records) writer.Write(r);
            if (!framed.ToArray().AsSpan().SequenceEqual(input))
                throw new InvalidOperationException($"Accepted {input.Length} bytes as {records.Count} records whose frames are {framed.Length} bytes.");
        }
    }

    static bool IsDataLoss(Exception e) => e is DataLossException loss && loss.FileName == "fuzz" && loss.Offset >= 0;

    static IReadOnlyList<byte[]> SharedFiles(params string[] paths) =>
        paths.Select(p => RepositoryPaths.Fixture(p.Split('/'))).Where(File.Exists).Select(File.ReadAllBytes).ToList();

    [Fact]
    public void Plain_tfrecord_files()
    {
        var report = FuzzRunner.Run(new FuzzTarget("tfrecord", b => ReadAll(b, TFRecordCompression.None), IsDataLoss,
            SharedFiles("tfrecord-gzip/nucleus_fastq/test_reads.fastq.tfrecord")));
        output.WriteLine(report.ToString());
        Assert.True(report.Accepted > 0 && report.Rejected.Values.Sum() > 0, report.ToString());
    }

    [Fact]
    public void Gzip_tfrecord_files()
    {
        var report = FuzzRunner.Run(new FuzzTarget("tfrecord-gzip", b => ReadAll(b, TFRecordCompression.Gzip), IsDataLoss,
            SharedFiles("tfrecord-gzip/nucleus_fastq/test_reads.fastq.tfrecord.gz", "tfrecord-gzip/tfx_penguin/Split-eval/data_tfrecord-00000-of-00001.gz")));
        output.WriteLine(report.ToString());
        Assert.True(report.Accepted > 0 && report.Rejected.Values.Sum() > 0, report.ToString());
    }

    [Fact]
    public void Zlib_tfrecord_files()
    {
        var report = FuzzRunner.Run(new FuzzTarget("tfrecord-zlib", b => ReadAll(b, TFRecordCompression.Zlib), IsDataLoss));
        output.WriteLine(report.ToString());
        Assert.True(report.Accepted > 0 && report.Rejected.Values.Sum() > 0, report.ToString());
    }
}
