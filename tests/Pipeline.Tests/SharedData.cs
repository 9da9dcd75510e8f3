namespace Pipeline.Tests;

/// <summary>Finds ../shared next to the repository (or PIPELINE_SHARED_DIR).</summary>
static class SharedData
{
    public static string Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("PIPELINE_SHARED_DIR");
            if (!string.IsNullOrEmpty(env)) return env;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) dir = dir.Parent;
            if (dir is null) throw new DirectoryNotFoundException($"No Pipeline.sln above {AppContext.BaseDirectory}; set PIPELINE_SHARED_DIR.");
            return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
        }
    }

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);
}
