using System.IO.Compression;
using System.Xml.Linq;

namespace Packaging.Tests;

[Collection(PackedFeedCollection.Name)]
public class PackageTests(PackedFeed feed)
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
}
