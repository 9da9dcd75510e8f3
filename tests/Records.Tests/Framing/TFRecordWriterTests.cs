using Pipeline.Records;

namespace Records.Tests.Framing;

public class TFRecordWriterTests
{
    private static readonly byte[][] Records = [[1, 2, 3], [], new byte[70_000]];

    [Fact]
    public void Closed_writer_publishes_the_file_under_its_final_name_with_no_temporary_left()
    {
        using var dir = new TempDir();
        var path = dir.File("data.tfrecord");
        using (var writer = new TFRecordWriter(path))
        {
            foreach (var r in Records) writer.Write(r);
            Assert.False(File.Exists(path)); // not visible before Close
            writer.Close();
            Assert.Equal(3, writer.RecordsWritten);
        }
        Assert.Equal(Records, Fixtures.ReadAll(path));
        Assert.Equal(["data.tfrecord"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Leaving_a_using_block_normally_publishes_the_file_like_pythons_with_statement()
    {
        using var dir = new TempDir();
        var path = dir.File("data.tfrecord");
        using (var writer = new TFRecordWriter(path))
        {
            foreach (var r in Records) writer.Write(r);
        }
        Assert.Equal(Records, Fixtures.ReadAll(path));
        Assert.Equal(["data.tfrecord"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void An_exception_caught_inside_the_using_block_does_not_stop_the_file_from_being_published()
    {
        using var dir = new TempDir();
        var path = dir.File("data.tfrecord");
        using (var writer = new TFRecordWriter(path))
        {
            writer.Write(Records[0]);
            try { throw new FormatException("a bad input row, skipped"); } catch (FormatException) { }
            writer.Write(Records[1]);
        }
        Assert.Equal(Records[..2], Fixtures.ReadAll(path));
    }

    [Fact]
    public void An_exception_midway_leaves_no_file_under_the_final_name_and_no_temporary()
    {
        using var dir = new TempDir();
        var path = dir.File("data.tfrecord");
        void Produce()
        {
            using var writer = new TFRecordWriter(path, TFRecordCompression.Gzip);
            writer.Write(Records[0]);
            throw new InvalidOperationException("failed while producing records");
        }
        Assert.Throws<InvalidOperationException>(Produce);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_failed_rewrite_keeps_the_previous_file_intact()
    {
        using var dir = new TempDir();
        var path = dir.File("data.tfrecord");
        using (var w = new TFRecordWriter(path)) { w.Write(Records[0]); w.Close(); }
        var before = File.ReadAllBytes(path);
        try
        {
            using var w = new TFRecordWriter(path);
            w.Write(Records[2]);
            throw new IOException("disk on fire");
        }
        catch (IOException) { }
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Writing_after_close_is_refused()
    {
        var writer = new TFRecordWriter(new MemoryStream());
        writer.Close();
        Assert.Throws<ObjectDisposedException>(() => writer.Write([1]));
    }

    [Fact]
    public void Writing_into_a_missing_directory_names_the_directory()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => new TFRecordWriter("/nonexistent-dir-xyz/a.tfrecord"));
        Assert.Contains("/nonexistent-dir-xyz", ex.Message);
    }

    [Fact]
    public void Writing_a_message_writes_its_serialized_bytes()
    {
        var example = Example.FromFeatures(("label", Feature.Int64(7)));
        var ms = new MemoryStream();
        using (var writer = new TFRecordWriter(ms, leaveOpen: true)) { writer.Write(example); writer.Close(); }
        var read = Fixtures.ReadAll(ms.ToArray());
        Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(example), Assert.Single(read));
    }

    [Fact]
    public void Stream_writer_flushes_on_dispose_without_close()
    {
        var ms = new MemoryStream();
        using (var writer = new TFRecordWriter(ms, TFRecordCompression.Zlib, leaveOpen: true))
            writer.Write(Records[0]);
        Assert.Equal([Records[0]], Fixtures.ReadAll(ms.ToArray(), TFRecordCompression.Zlib));
    }
}
