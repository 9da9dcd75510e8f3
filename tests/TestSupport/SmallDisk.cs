using System.Diagnostics;

// Compiled into every test project by Directory.Build.targets: a tiny tmpfs, for tests of what writers do when the
// disk is really full (ENOSPC from the kernel, not a simulation). Mounting needs root: CI runs as root. Without it the
// test fails with this explanation rather than skipping; such tests carry [Trait("Category", "RequiresRoot")] so an
// ordinary user can run `dotnet test --filter Category!=RequiresRoot`.
internal sealed class SmallDisk : IDisposable
{
    readonly string _path;

    SmallDisk(string path) => _path = path;

    /// <summary>Creates <paramref name="path"/> and mounts a tmpfs of <paramref name="size"/> (e.g. "512k") on it.</summary>
    public static SmallDisk Mount(string path, string size)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            throw new InvalidOperationException(
                $"This test mounts a {size} tmpfs to fill a disk for real, which needs root on Linux (CI runs as root). " +
                "Run as root, or leave it out with: dotnet test --filter Category!=RequiresRoot");
        Directory.CreateDirectory(path);
        Run("mount", ["-t", "tmpfs", "-o", $"size={size}", "tmpfs", path]);
        return new SmallDisk(path);
    }

    public void Dispose() => Run("umount", [_path]);

    static void Run(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {stderr}");
    }
}
