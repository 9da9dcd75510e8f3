using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Packaging.Tests;

public class PackageTests(PackedFeed feed) : IClassFixture<PackedFeed>
{
    [Theory]
    [InlineData("Pipeline.Runtime")]
    [InlineData("Pipeline")]
    [InlineData("Pipeline.Records")]
    [InlineData("Pipeline.Models")]
    public void Each_package_carries_metadata_readme_xml_docs_and_symbols(string id)
    {
        using var zip = ZipFile.OpenRead(feed.PackagePath(id));
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();

        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal(id, metadata.Element(ns + "id")!.Value);
        Assert.Equal(feed.Version, metadata.Element(ns + "version")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")!.Value));
        var license = metadata.Element(ns + "license")!;
        Assert.Equal("expression", license.Attribute("type")!.Value);
        Assert.Equal("Apache-2.0", license.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);

        Assert.Contains("README.md", entries);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);

        using var symbols = ZipFile.OpenRead(feed.PackagePath(id, "snupkg"));
        Assert.Contains(symbols.Entries, e => e.FullName == $"lib/net10.0/{id}.pdb");
    }

    [Fact]
    public void The_runtime_package_brings_the_libtorch_set_up_to_consumers()
    {
        using var zip = ZipFile.OpenRead(feed.PackagePath("Pipeline.Runtime"));
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("buildTransitive/Pipeline.Runtime.props", entries);
        Assert.Contains("buildTransitive/Pipeline.Runtime.targets", entries);
        Assert.Contains("buildTransitive/PipelineTorchRuntimeInitializer.cs", entries);
    }

    [Theory]
    [InlineData("Pipeline")]
    [InlineData("Pipeline.Records")]
    [InlineData("Pipeline.Models")]
    public void Each_library_package_depends_on_the_runtime_package(string id)
    {
        using var zip = ZipFile.OpenRead(feed.PackagePath(id));
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var ns = nuspec.Root!.Name.Namespace;
        var dependencies = nuspec.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        // Directly or through Pipeline, which every other library depends on.
        Assert.Contains(id == "Pipeline" ? "Pipeline.Runtime" : "Pipeline", dependencies);
    }

    [Fact]
    public void A_separate_app_restores_the_packages_from_a_folder_feed_and_runs()
    {
        var app = Path.Combine(feed.Root, "app");
        Directory.CreateDirectory(app);
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "tests", "Packaging.Tests", "SmokeApp")))
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        // Adds our feed and keeps the machine's configured sources (no <clear/>).
        File.WriteAllText(Path.Combine(app, "nuget.config"),
            $"""<configuration><packageSources><add key="pipeline-local" value="{feed.Feed}" /></packageSources></configuration>""");

        var output = DotNet.Run(app, "run", "-c", "Release", $"-p:PipelineVersion={feed.Version}");

        Assert.Contains("torch sum: 15", output);
        Assert.Matches("device: (CPU|CUDA)", output);
        Assert.Contains("records label sum: 10", output);
        Assert.Contains("plan: FromTensorSlices", output);
        Assert.Contains("history epochs: 2, predictions: (64, 2)", output);
        Assert.Contains("Smoke test passed", output);

        // The consumer got hard links to the ~600 MB libtorch, not copies.
        var libtorch = Directory.GetFiles(Path.Combine(app, "bin"), "libtorch_cpu.so", SearchOption.AllDirectories);
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
