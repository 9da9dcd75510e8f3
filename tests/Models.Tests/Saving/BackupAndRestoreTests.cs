using System.Diagnostics;
using Pipeline.Models.Callbacks;
using static Pipeline.Models.Tests.Saving.SavingTestKit;

namespace Pipeline.Models.Tests.Saving;

/// <summary>
/// A training process killed with SIGKILL during epoch 5 and started again with the same command resumes at epoch 5
/// with the weights, optimizer state, epoch counter and random state it had: its remaining epochs and final weights are
/// bit-identical to those of a run that was never interrupted (the child uses shuffling and dropout, so a lost random
/// state or optimizer state would show).
/// </summary>
public class BackupAndRestoreTests
{
    const int Epochs = 7;

    internal static string ChildDll()
    {
        // The child is built next to the tests: tests/Models.ResumeChild/bin/<configuration>/<tfm>/.
        var testsBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var tfm = Path.GetFileName(testsBin);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testsBin)!);
        var dll = Path.Combine(RepositoryPaths.Root, "tests", "Models.ResumeChild", "bin", configuration, tfm, "Models.ResumeChild.dll");
        Assert.True(File.Exists(dll), $"The child process is not built: {dll}");
        return dll;
    }

    /// <summary>Starts the child program (Models.ResumeChild) with <paramref name="arguments"/>, its output and errors redirected.</summary>
    internal static Process StartChild(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ChildDll());
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Runs the child; with <paramref name="killAtEpoch"/> it is SIGKILLed once it reports being inside that epoch.</summary>
    static List<string> RunChild(string backupDir, int? killAtEpoch)
    {
        using var child = StartChild([backupDir, Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string>
            {
                ["PIPELINE_RESUME_TEST_BLOCK_AT_EPOCH"] = killAtEpoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            });
        child.ErrorDataReceived += (_, _) => { };
        child.BeginErrorReadLine();
        var lines = new List<string>();
        // A guard against a hung child, not a timing assertion.
        var deadline = DateTime.UtcNow.AddMinutes(5);
        string? line;
        while ((line = child.StandardOutput.ReadLine()) is not null)
        {
            lines.Add(line);
            if (line == "blocked")
            {
                child.Kill(); // SIGKILL on Linux and macOS: no handler, no finally block runs in the child.
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "The child process did not finish in 5 minutes.");
        }
        child.WaitForExit();
        if (killAtEpoch is null) Assert.Equal(0, child.ExitCode);
        return lines;
    }

    [Fact]
    public void A_run_killed_in_epoch_5_resumes_at_epoch_5_and_ends_bit_identical_to_an_uninterrupted_run()
    {
        using var folder = new TempDir();
        var uninterrupted = RunChild(folder.File("straight"), killAtEpoch: null);

        var backup = folder.File("backup");
        var killed = RunChild(backup, killAtEpoch: 5);
        Assert.Equal("blocked", killed[^1]);
        Assert.Contains("begin 5", killed);
        Assert.DoesNotContain(killed, l => l.StartsWith("end 5", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(backup, "latest.weights.h5")), "the backup of epoch 4 is there after the kill");

        var resumed = RunChild(backup, killAtEpoch: null);
        Assert.Equal("begin 5", resumed.First(l => l.StartsWith("begin", StringComparison.Ordinal)));
        // Epochs 5..7 (losses as raw bits) and the final weights' bits match the uninterrupted run.
        Assert.Equal(uninterrupted.SkipWhile(l => l != "begin 5").ToList(), resumed.SkipWhile(l => l != "begin 5").ToList());
        Assert.StartsWith("done ", resumed[^1]);
        // Training completed, so the backup was deleted.
        Assert.False(Directory.Exists(backup));
    }

    [Fact]
    public void A_backup_that_does_not_fit_the_model_is_an_error_not_a_fresh_start()
    {
        using var folder = new TempDir();
        var backup = folder.File("backup");
        var (x, y) = TinyData.Blocks(32, seed: 2);
        using (var model = SequentialCnn())
        {
            model.Compile("adam", "sparse_categorical_crossentropy");
            model.Fit(x, y, epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(backup, deleteCheckpoint: false)]);
        }
        using var other = new Sequential([new Layers.Input([8, 8, 1]), new Layers.Flatten(), new Layers.Dense(5, activation: "softmax")]);
        other.Compile("adam", "sparse_categorical_crossentropy");
        Assert.Throws<Pipeline.Models.Saving.KerasFileException>(() => other.Fit(x, y, epochs: 2, verbose: 0, callbacks: [new BackupAndRestore(backup)]));
    }
}
