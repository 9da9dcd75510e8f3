using System.Diagnostics;

namespace Packaging.Tests;

/// <summary>
/// The libraries load in every kind of host users run them in, each with the same smoke program whose
/// first call goes straight into TorchSharp: an app restored from the packages (dotnet run), the same app
/// published self-contained, an app that references the library projects of this clone, and a .NET
/// Interactive notebook executed headless by dotnet-repl, which resolves the packages into the NuGet cache
/// at run time. (Test projects are the fifth kind: every test project of this repository is one.)
/// </summary>
[Collection(PackedFeedCollection.Name)]
public class HostTests(PackedFeed feed)
{
    static readonly string SmokeAppDir = Path.Combine(RepositoryPaths.Root, "tests", "Packaging.Tests", "SmokeApp");

    [Fact]
    public void A_console_app_restores_the_packages_from_a_folder_feed_and_runs()
    {
        var app = NewAppFromPackages("app");

        var output = DotNet.Run(app, "run", "-c", "Release", $"-p:PipelineVersion={feed.Version}");

        AssertSmokeTestPassed(output);
        // The consumer got hard links to the ~600 MB libtorch, not copies.
        AssertHardLinked(Path.Combine(app, "bin"));
    }

    [Fact]
    public void A_self_contained_published_app_runs()
    {
        var app = NewAppFromPackages("selfcontained");
        var publish = Path.Combine(app, "publish");

        DotNet.Run(app, "publish", "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", publish, $"-p:PipelineVersion={feed.Version}");
        var output = DotNet.Exec(Path.Combine(publish, "SmokeApp"), app);

        AssertSmokeTestPassed(output);
        Assert.True(File.Exists(Path.Combine(publish, "libtorch_cpu.so")), "libtorch is not in the publish folder.");
    }

    [Fact]
    public void An_app_that_references_the_library_projects_runs_with_the_one_import_line()
    {
        var app = Path.Combine(feed.Root, "projectref");
        Directory.CreateDirectory(app);
        foreach (var file in Directory.GetFiles(SmokeAppDir, "*.cs"))
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        var src = Path.Combine(RepositoryPaths.Root, "src");
        File.WriteAllText(Path.Combine(app, "HostApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{src}/Runtime/Pipeline.Runtime.ProjectReference.targets" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{src}/Pipeline/Pipeline.csproj" />
                <ProjectReference Include="{src}/Records/Records.csproj" />
                <ProjectReference Include="{src}/Models/Models.csproj" />
              </ItemGroup>
            </Project>
            """);

        // The feed's artifacts path and version: the library projects were built there by the pack already.
        var artifacts = Path.Combine(feed.Root, "artifacts");
        DotNet.Run(app, "build", "-c", "Release", "--artifacts-path", artifacts, $"-p:Version={feed.Version}");
        var output = DotNet.Run(app, Path.Combine(artifacts, "bin", "HostApp", "release", "HostApp.dll"));

        AssertSmokeTestPassed(output);
        AssertHardLinked(Path.Combine(artifacts, "bin", "HostApp"));
    }

    [Fact]
    public void A_notebook_run_by_dotnet_repl_loads_the_packages_from_the_nuget_cache()
    {
        var dir = Path.Combine(feed.Root, "notebook");
        Directory.CreateDirectory(dir);
        var notebook = Path.Combine(dir, "smoke.ipynb");
        var executed = Path.Combine(dir, "smoke.executed.ipynb");
        // The smoke program as notebook cells, the first after the references calling TorchSharp directly.
        var program = File.ReadAllText(Path.Combine(SmokeAppDir, "Program.cs"));
        var parts = File.ReadAllText(Path.Combine(SmokeAppDir, "SmokeParts.cs"));
        File.WriteAllText(notebook, Notebooks.Create(
            $"#i \"nuget:{feed.Feed}\"\n#r \"nuget: Pipeline.Models, {feed.Version}\"",
            parts,
            program));

        DotNet.Run(RepositoryPaths.Root, "tool", "restore");
        try
        {
            DotNet.Run(RepositoryPaths.Root, "dotnet-repl", "--run", notebook, "--exit-after-run", "--output-path", executed);
        }
        catch (InvalidOperationException) when (File.Exists(executed))
        {
            Notebooks.Text(executed);   // throws with the failing cell's error, which dotnet-repl does not print
            throw;
        }

        AssertSmokeTestPassed(Notebooks.Text(executed));
    }

    string NewAppFromPackages(string name)
    {
        var app = Path.Combine(feed.Root, name);
        Directory.CreateDirectory(app);
        foreach (var file in Directory.GetFiles(SmokeAppDir))
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        // Adds our feed and keeps the machine's configured sources (no <clear/>).
        File.WriteAllText(Path.Combine(app, "nuget.config"),
            $"""<configuration><packageSources><add key="pipeline-local" value="{feed.Feed}" /></packageSources></configuration>""");
        return app;
    }

    static void AssertSmokeTestPassed(string output)
    {
        Assert.Contains("torch sum: 15", output);
        Assert.Matches("device: (CPU|CUDA)", output);
        Assert.Contains("records label sum: 10", output);
        Assert.Contains("plan: FromTensorSlices", output);
        Assert.Contains("history epochs: 2, predictions: (64, 2)", output);
        Assert.Contains("consolidated natives: False", output);
        Assert.Contains("Smoke test passed", output);
    }

    static void AssertHardLinked(string outputRoot)
    {
        var libtorch = Directory.GetFiles(outputRoot, "libtorch_cpu.so", SearchOption.AllDirectories);
        Assert.NotEmpty(libtorch);
        Assert.All(libtorch, path => Assert.True(LinkCount(path) > 1, $"{path} is a copy, not a hard link."));
    }

    static int LinkCount(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%h", path]) { RedirectStandardOutput = true })!;
        var text = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return int.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
