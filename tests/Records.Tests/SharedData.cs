namespace Records.Tests;

/// <summary>Finds ../shared (fixtures, datasets) relative to the repository root; PIPELINE_SHARED_DIR overrides.</summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Dir => Root.Value;

    public static string Fixture(params string[] parts) => Path.Combine([Dir, "fixtures", .. parts]);

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR");
        if (!string.IsNullOrEmpty(env)) return Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                // <repo>/../shared; a git worktree nested deeper (e.g. /work/wt/x) finds it further up.
                for (var up = dir.Parent; up is not null; up = up.Parent)
                    if (Directory.Exists(Path.Combine(up.FullName, "shared", "fixtures")))
                        return Path.Combine(up.FullName, "shared");
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
            }
        throw new DirectoryNotFoundException($"No Pipeline.sln above {AppContext.BaseDirectory}; set PIPELINE_SHARED_DIR to the shared data folder.");
    }
}
