// Compiled into every test project by Directory.Build.targets: the one way tests find the repository and
// the read-only data beside it (<repo>/../shared, or PIPELINE_SHARED_DIR).
internal static class RepositoryPaths
{
    static readonly Lazy<string> RootPath = new(FindRoot);
    static readonly Lazy<string> SharedPath = new(FindShared);

    /// <summary>The folder holding Pipeline.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The shared data folder: PIPELINE_SHARED_DIR, else ../shared next to the repository.</summary>
    public static string Shared => SharedPath.Value;

    /// <summary>A path under the shared fixtures folder (files written by TensorFlow, Keras and TensorBoard).</summary>
    public static string Fixture(params string[] parts) => Path.Combine([Shared, "fixtures", .. parts]);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Pipeline.sln not found above {AppContext.BaseDirectory}.");
    }

    static string FindShared()
    {
        var env = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR");
        return !string.IsNullOrEmpty(env) ? Path.GetFullPath(env) : Path.GetFullPath(Path.Combine(Root, "..", "shared"));
    }
}
