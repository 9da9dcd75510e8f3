using System.Diagnostics;
using Pipeline.IO;

namespace Pipeline.Tests.IO;

public class AtomicFileStreamTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "atomic-tests-" + Guid.NewGuid().ToString("N"));

    public AtomicFileStreamTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    string File(string name) => Path.Combine(_dir, name);

    string[] Entries() => Directory.GetFileSystemEntries(_dir).Select(p => Path.GetFileName(p)!).Order().ToArray();

    static readonly byte[] Content = [1, 2, 3, 4, 5];

    [Fact]
    public void Leaving_a_using_block_normally_publishes_the_file_and_nothing_is_visible_before()
    {
        var path = File("data.bin");
        using (var stream = new AtomicFileStream(path))
        {
            stream.Write(Content);
            Assert.False(System.IO.File.Exists(path));
            Assert.True(System.IO.File.Exists(stream.TemporaryPath));
        }
        Assert.Equal(Content, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["data.bin"], Entries());
    }

    [Fact]
    public void A_using_block_inside_a_catch_block_still_publishes_because_no_guess_is_made_about_exceptions_in_flight()
    {
        var path = File("data.bin");
        try
        {
            throw new InvalidOperationException("unrelated failure being handled");
        }
        catch (InvalidOperationException)
        {
            using var stream = new AtomicFileStream(path);
            stream.Write(Content);
        }
        Assert.Equal(Content, System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void A_using_block_in_a_finally_block_during_unwinding_still_publishes()
    {
        var path = File("data.bin");
        void SaveWhileUnwinding()
        {
            try { throw new TimeoutException("training failed"); }
            finally
            {
                using var stream = new AtomicFileStream(path);
                stream.Write(Content);
            }
        }
        Assert.Throws<TimeoutException>(SaveWhileUnwinding);
        Assert.Equal(Content, System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void Abort_discards_the_new_content_and_keeps_the_previous_file()
    {
        var path = File("data.bin");
        System.IO.File.WriteAllBytes(path, Content);
        using (var stream = new AtomicFileStream(path))
        {
            stream.Write(new byte[1000]);
            stream.Abort();
            stream.Abort(); // idempotent
            Assert.False(stream.CanWrite);
            Assert.Throws<ObjectDisposedException>(() => stream.WriteByte(1));
        }
        Assert.Equal(Content, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["data.bin"], Entries());
    }

    [Fact]
    public void WriteAll_discards_the_file_when_the_producer_throws_and_rethrows_its_exception()
    {
        var path = File("data.bin");
        System.IO.File.WriteAllBytes(path, Content);
        var thrown = new FormatException("bad row 7");
        var caught = Assert.Throws<FormatException>(() => AtomicFileStream.WriteAll(path, s =>
        {
            s.Write(new byte[100_000]);
            throw thrown;
        }));
        Assert.Same(thrown, caught);
        Assert.Equal(Content, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["data.bin"], Entries());
    }

    [Fact]
    public void WriteAll_and_WriteAllBytes_publish_complete_content()
    {
        AtomicFileStream.WriteAll(File("a.bin"), s => s.Write(Content));
        AtomicFileStream.WriteAllBytes(File("b.bin"), Content);
        Assert.Equal(Content, System.IO.File.ReadAllBytes(File("a.bin")));
        Assert.Equal(Content, System.IO.File.ReadAllBytes(File("b.bin")));
        Assert.Equal(["a.bin", "b.bin"], Entries());
    }

    [Fact]
    public void A_failed_write_discards_the_file_on_dispose_removes_the_temporary_and_commit_reports_the_first_error()
    {
        var path = File("data.bin");
        System.IO.File.WriteAllBytes(path, Content);
        var disk = new FailingStream.Options { FailAfterBytes = 10_000 };
        var stream = new AtomicFileStream(path, bufferSize: 4096, s => new FailingStream(s, disk));
        var first = Assert.Throws<IOException>(() => stream.Write(new byte[50_000]));
        Assert.Contains("No space left on device", first.Message);
        // Later writes report the first error rather than a new one.
        var later = Assert.Throws<IOException>(() => stream.Write(new byte[10]));
        Assert.Same(first, later.InnerException);
        var commit = Assert.Throws<IOException>(stream.Commit);
        Assert.Same(first, commit.InnerException);
        stream.Dispose(); // nothing more to do, and no second exception
        Assert.Equal(Content, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["data.bin"], Entries());
    }

    [Fact]
    public void A_failed_write_then_dispose_throws_nothing_more_so_the_callers_exception_is_the_one_seen()
    {
        var path = File("data.bin");
        var disk = new FailingStream.Options { FailAfterBytes = 100 };
        IOException? seen = null;
        try
        {
            using var stream = new AtomicFileStream(path, bufferSize: 16, s => new FailingStream(s, disk));
            stream.Write(new byte[1000]);
        }
        catch (IOException e)
        {
            seen = e;
        }
        Assert.NotNull(seen);
        Assert.Contains("No space left on device", seen.Message);
        Assert.Null(seen.InnerException);
        Assert.Empty(Entries());
    }

    [Fact]
    public void A_failure_in_the_final_flush_surfaces_that_error_from_dispose_and_removes_the_temporary()
    {
        var path = File("data.bin");
        System.IO.File.WriteAllBytes(path, Content);
        var disk = new FailingStream.Options { FailAfterBytes = 10 };
        var stream = new AtomicFileStream(path, bufferSize: 1 << 16, s => new FailingStream(s, disk));
        stream.Write(new byte[100]); // still in the buffer
        var error = Assert.Throws<IOException>(stream.Dispose);
        Assert.Contains("No space left on device", error.Message);
        Assert.Equal(1, disk.Failures); // the error came once: nothing retried the write while cleaning up
        Assert.Equal(Content, System.IO.File.ReadAllBytes(path));
        Assert.Equal(["data.bin"], Entries());
    }

    [Fact]
    [Trait("Category", "RequiresRoot")]
    public void A_full_disk_surfaces_ENOSPC_and_leaves_the_small_file_system_empty()
    {
        // Needs root to mount the tmpfs (CI runs as root); fails rather than skips without it (see SmallDisk).
        var mount = File("small-disk");
        using (SmallDisk.Mount(mount, "512k"))
        {
            var path = Path.Combine(mount, "data.bin");
            var payload = new byte[64 * 1024];
            IOException? error = null;
            try
            {
                using var stream = new AtomicFileStream(path);
                for (int i = 0; i < 32; i++) stream.Write(payload); // 2 MiB into 512 KiB
            }
            catch (IOException e)
            {
                error = e;
            }
            Assert.NotNull(error);
            Assert.Contains("No space left on device", error.Message);
            Assert.Empty(Directory.GetFileSystemEntries(mount));
            // The space really is free again: a file that fits can be written.
            AtomicFileStream.WriteAllBytes(path, new byte[256 * 1024]);
            Assert.Equal(256 * 1024, new FileInfo(path).Length);
        }
    }

    [Fact]
    public void Temporary_files_are_recognisable_and_name_their_process()
    {
        using var stream = new AtomicFileStream(File("data.bin"));
        var name = Path.GetFileName(stream.TemporaryPath);
        Assert.Matches(@"^\.data\.bin\.\d+\.[0-9a-f]{16}\.tmp$", name);
        Assert.True(AtomicFileStream.TryParseTemporary(name, "data.bin", out int pid));
        Assert.Equal(Environment.ProcessId, pid);
        Assert.False(AtomicFileStream.TryParseTemporary(name, "data.bi", out _));
        Assert.False(AtomicFileStream.TryParseTemporary(".data.bin.12.notes.tmp", "data.bin", out _));
        stream.Abort();
    }

    [Fact]
    public void The_next_writer_removes_leftovers_of_a_killed_writer()
    {
        var path = File("data.bin");
        int deadPid = DeadProcessId();
        var leftover = File($".data.bin.{deadPid}.0123456789abcdef.tmp");
        System.IO.File.WriteAllBytes(leftover, new byte[4096]);
        AtomicFileStream.WriteAllBytes(path, Content);
        Assert.Equal(["data.bin"], Entries());
    }

    [Fact]
    public void Leftovers_of_a_live_writer_of_another_path_or_a_held_lock_are_kept()
    {
        int deadPid = DeadProcessId();
        string[] kept =
        [
            $".data.bin.{Environment.ProcessId}.0123456789abcdef.tmp", // its writer is alive
            $".other.bin.{deadPid}.0123456789abcdef.tmp",              // another file's
            $".data.bin.{deadPid}.notes.tmp",                          // not one of ours
            $".data.bin.{deadPid}.fedcba9876543210.tmp",               // locked: a writer elsewhere still has it open
        ];
        foreach (var name in kept) System.IO.File.WriteAllBytes(File(name), Content);
        using (new FileStream(File(kept[3]), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            AtomicFileStream.WriteAllBytes(File("data.bin"), Content);
        Assert.Equal(kept.Append("data.bin").Order().ToArray(), Entries());
    }

    [Fact]
    public void Replacing_a_file_keeps_its_permission_bits()
    {
        if (OperatingSystem.IsWindows()) return;
        var path = File("data.bin");
        System.IO.File.WriteAllBytes(path, Content);
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead; // 0640
        System.IO.File.SetUnixFileMode(path, mode);
        AtomicFileStream.WriteAllBytes(path, [9, 9]);
        Assert.Equal(mode, System.IO.File.GetUnixFileMode(path));
        Assert.Equal([9, 9], System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void Writing_to_a_symbolic_link_replaces_its_target_and_keeps_the_link()
    {
        Directory.CreateDirectory(File("real"));
        var target = File("real/data.bin");
        System.IO.File.WriteAllBytes(target, Content);
        var link = File("link.bin");
        System.IO.File.CreateSymbolicLink(link, "real/data.bin"); // relative, as `ln -s` makes them
        using (var stream = new AtomicFileStream(link))
        {
            Assert.Equal(target, stream.Path);
            stream.Write([7, 7, 7]);
        }
        Assert.Equal("real/data.bin", new FileInfo(link).LinkTarget);
        Assert.Equal([7, 7, 7], System.IO.File.ReadAllBytes(target));
        Assert.Equal(["data.bin"], Directory.GetFiles(File("real")).Select(Path.GetFileName));
    }

    [Fact]
    public void Writing_to_a_dangling_symbolic_link_creates_its_target()
    {
        var link = File("link.bin");
        System.IO.File.CreateSymbolicLink(link, File("made.bin"));
        AtomicFileStream.WriteAllBytes(link, Content);
        Assert.Equal(Content, System.IO.File.ReadAllBytes(File("made.bin")));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void The_stream_can_seek_back_to_patch_a_header_and_read_it_back()
    {
        var path = File("data.bin");
        using (var stream = new AtomicFileStream(path, bufferSize: 8))
        {
            stream.Write(new byte[4]);
            stream.Write(Content);
            stream.Position = 0;
            stream.Write([0xAA, 0xBB]);
            stream.Position = 4;
            var back = new byte[5];
            Assert.Equal(5, stream.Read(back));
            Assert.Equal(Content, back);
            Assert.Equal(9, stream.Length);
        }
        Assert.Equal([0xAA, 0xBB, 0, 0, 1, 2, 3, 4, 5], System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void A_missing_folder_or_a_directory_at_the_path_is_named_in_the_error()
    {
        var missing = Assert.Throws<DirectoryNotFoundException>(() => new AtomicFileStream(File("no-such-dir/x.bin")));
        Assert.Contains("no-such-dir", missing.Message);
        Directory.CreateDirectory(File("folder"));
        var folder = Assert.Throws<IOException>(() => new AtomicFileStream(File("folder")));
        Assert.Contains("is a directory", folder.Message);
        Assert.Equal(["folder"], Entries());
    }

    static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

}
