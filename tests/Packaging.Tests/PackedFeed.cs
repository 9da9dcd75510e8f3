namespace Packaging.Tests;

/// <summary>
/// Packs the three libraries and their shared runtime package once per test run into a temporary folder feed, with a unique
/// pre-release version so the global package cache never serves a stale copy.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public static readonly string[] PackageIds = ["Pipeline.Runtime", "Pipeline", "Pipeline.Records", "Pipeline.Models"];
    static readonly string[] Projects = ["src/Runtime/Runtime.csproj", "src/Pipeline/Pipeline.csproj", "src/Records/Records.csproj", "src/Models/Models.csproj"];

    public string Root { get; } = Directory.CreateTempSubdirectory("pipeline-packaging-").FullName;
    public string Feed => Path.Combine(Root, "feed");
    public string Version { get; } = $"0.1.0-smoke.{DateTime.UtcNow:yyyyMMddHHmmss}";

    public PackedFeed()
    {
        // A private artifacts path keeps this build's bin/obj away from the solution build that
        // runs the other test projects at the same time.
        foreach (var project in Projects)
            DotNet.Run(RepositoryPaths.Root, "pack", project, "-c", "Release", "-o", Feed,
                $"-p:Version={Version}", "--artifacts-path", Path.Combine(Root, "artifacts"));
    }

    public string PackagePath(string id, string extension = "nupkg") => Path.Combine(Feed, $"{id}.{Version}.{extension}");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One packed feed for every test class that needs it (packing takes a while).</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "Packed feed";
}
