using System.IO.Compression;
using Pipeline.Records;

namespace Records.Tests;

/// <summary>Paths of the TensorFlow-written fixture files, and small readers used by several test classes.</summary>
internal static class Fixtures
{
    public static string Deeplab => RepositoryPaths.Fixture("tfrecord-example", "deeplab_pascal_voc_seg", "val-00000-of-00001.tfrecord");
    public static string Lingvo => RepositoryPaths.Fixture("tfrecord-example", "lingvo_wmt14", "wmt14_ende_wpm_32k_test.tfrecord");
    public static string NucleusPlain => RepositoryPaths.Fixture("tfrecord-gzip", "nucleus_fastq", "test_reads.fastq.tfrecord");
    public static string NucleusGzip => RepositoryPaths.Fixture("tfrecord-gzip", "nucleus_fastq", "test_reads.fastq.tfrecord.gz");
    public static string PenguinTrain => RepositoryPaths.Fixture("tfrecord-gzip", "tfx_penguin", "Split-train", "data_tfrecord-00000-of-00001.gz");
    public static string PenguinEval => RepositoryPaths.Fixture("tfrecord-gzip", "tfx_penguin", "Split-eval", "data_tfrecord-00000-of-00001.gz");
    public static string PenguinCsv => RepositoryPaths.Fixture("tfrecord-gzip", "tfx_penguin", "penguins_processed.csv");
    public static string SequenceTrain => RepositoryPaths.Fixture("tfrecord-sequence-example", "tfx_tfrecord_sequence", "Split-train", "data_tfrecord_train.gz");
    public static string SequenceEval => RepositoryPaths.Fixture("tfrecord-sequence-example", "tfx_tfrecord_sequence", "Split-eval", "data_tfrecord_eval.gz");
    public static string Tf2Events => RepositoryPaths.Fixture("tfevents", "tf2_scalar_orktes", "events.out.tfevents.1585499054.Jaakkos-Mac-mini.local.11684.5.v2");
    public static string Tf1Events => RepositoryPaths.Fixture("tfevents", "tf1_lingvo_bleu", "events.out.tfevents.test");
    public static string CatsVsDogs => RepositoryPaths.Fixture("cats-vs-dogs");

    /// <summary>Every record of a file, copied.</summary>
    public static List<byte[]> ReadAll(string path, TFRecordCompression compression = TFRecordCompression.None)
    {
        var records = new List<byte[]>();
        using var reader = new TFRecordReader(path, compression);
        while (reader.TryReadNext(out var r)) records.Add(r.ToArray());
        return records;
    }

    /// <summary>Every record of in-memory TFRecord bytes.</summary>
    public static List<byte[]> ReadAll(byte[] bytes, TFRecordCompression compression = TFRecordCompression.None, bool skipCorrupt = false)
    {
        var records = new List<byte[]>();
        using var reader = new TFRecordReader(new MemoryStream(bytes), compression, skipCorrupt: skipCorrupt, name: "memory");
        while (reader.TryReadNext(out var r)) records.Add(r.ToArray());
        return records;
    }

    /// <summary>The decompressed bytes of a gzip file, using the framework's decoder (independent of our reader).</summary>
    public static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>Our writer's uncompressed framing of <paramref name="records"/>.</summary>
    public static byte[] Frame(IEnumerable<byte[]> records)
    {
        var ms = new MemoryStream();
        using (var writer = new TFRecordWriter(ms, leaveOpen: true))
        {
            foreach (var r in records) writer.Write(r);
            writer.Close();
        }
        return ms.ToArray();
    }
}
