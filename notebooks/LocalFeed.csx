// Builds the packages of this clone into a local NuGet feed and references them, for the notebooks in this
// folder. A user of the public feed doesn't need it: replace the notebook's first code cell with
//     #r "nuget: Pipeline.Models, 0.1.0"
// The version is derived from the sources (0.1.0-local.<hash>), so an edit in src/ gives a new version and the
// NuGet cache never serves a stale copy; unchanged sources reuse the packages already in the feed.
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;

static class LocalFeed
{
    static readonly string[] Projects = ["Runtime/Runtime.csproj", "Pipeline/Pipeline.csproj", "Records/Records.csproj", "Models/Models.csproj"];

    /// <summary>Packs (when the sources changed) and references <paramref name="package"/> with its dependencies.</summary>
    public static async Task ReferenceAsync(string package = "Pipeline.Models")
    {
        var root = RepositoryRoot();
        var version = "0.1.0-local." + SourceHash(Path.Combine(root, "src"));
        var feed = Path.Combine(root, "artifacts", "notebook-feed");
        if (!File.Exists(Path.Combine(feed, $"{package}.{version}.nupkg")))
            foreach (var project in Projects)
                Pack(root, Path.Combine(root, "src", project), feed, version);

        var result = await Kernel.Root.SendAsync(new SubmitCode($"#i \"nuget:{feed}\"\n#r \"nuget: {package}, {version}\"", "csharp"));
        var failure = result.Events.OfType<CommandFailed>().FirstOrDefault();
        if (failure is not null) throw new InvalidOperationException($"Referencing {package} {version} from {feed} failed: {failure.Message}");
        Console.WriteLine($"Referenced {package} {version} from {Path.GetRelativePath(Environment.CurrentDirectory, feed)}");
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Pipeline.sln not found above {Environment.CurrentDirectory}: open the notebook from the clone's notebooks/ folder.");
    }

    static string SourceHash(string src)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.GetFiles(src, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(src, file)));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }

    static void Pack(string root, string project, string feed, string version)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "pack", project, "-c", "Release", "-o", feed, $"-p:Version={version}", "--artifacts-path", Path.Combine(root, "artifacts", "notebook-build") })
            psi.ArgumentList.Add(arg);
        // The kernel's own MSBuild settings must not leak into the child build.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath" }) psi.Environment.Remove(name);
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet pack {project} failed:\n{output}\n{error.Result}");
    }
}
