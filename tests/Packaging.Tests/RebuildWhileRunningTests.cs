using System.Security.Cryptography;

namespace Packaging.Tests;

/// <summary>
/// Building in this repository never rewrites an assembly that a running program maps. Directory.Build.props
/// hard-links build outputs (libtorch is ~600 MB per output folder), so every output folder's copy of a library was
/// the same file as obj's, and the compiler rewrites obj's file in place: a long run (samples/DataAugmentation,
/// 10 CIFAR epochs) died with AccessViolationException (SIGBUS) or "Cannot print exception string" when a test or
/// another build compiled the library meanwhile. The check here is what the running program would see: the file it
/// had open (and mapped) keeps its bytes while the library is rebuilt, and the next build of the app replaces it.
/// </summary>
public class RebuildWhileRunningTests
{
    [Fact]
    public void Rebuilding_a_library_leaves_the_assembly_a_running_app_maps_unchanged()
    {
        var root = Path.Combine(Path.GetTempPath(), "pipeline-rebuild-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // Two tiny projects under this repository's build settings (hard links included); no TorchSharp.
            var repo = RepositoryPaths.Root;
            Write(root, "Directory.Build.props", $"""
                <Project>
                  <Import Project="{repo}/Directory.Build.props" />
                  <PropertyGroup><PipelineTorchRuntimeInitializer>false</PipelineTorchRuntimeInitializer></PropertyGroup>
                </Project>
                """);
            Write(root, "Directory.Build.targets", $"""<Project><Import Project="{repo}/Directory.Build.targets" /></Project>""");
            Write(root, "Lib/Lib.csproj", """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><NoWarn>CS1591</NoWarn></PropertyGroup></Project>""");
            Write(root, "Lib/Lib.cs", "namespace Lib; public static class Answer { public static int Get() => 41; }");
            Write(root, "App/App.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><OutputType>Exe</OutputType></PropertyGroup>
                  <ItemGroup><ProjectReference Include="../Lib/Lib.csproj" /></ItemGroup>
                </Project>
                """);
            Write(root, "App/Program.cs", "System.Console.WriteLine(Lib.Answer.Get());");
            DotNet.Run(root, "build", "App", "-c", "Release");
            var appLib = Path.Combine(root, "App", "bin", "Release", "net10.0", "Lib.dll");

            // What a running App holds: the file behind its Lib.dll, which the runtime maps. A second hard link keeps
            // that file reachable whatever the build does to the path (an open FileStream would not do: .NET takes an
            // advisory lock on it, which makes the compiler write a new file where it would otherwise rewrite this one).
            var held = Path.Combine(root, "held-Lib.dll");
            DotNet.Exec("ln", root, appLib, held);
            var before = Hash(held);

            // Someone changes and rebuilds the library (a test run, a notebook, dotnet run of another sample).
            Write(root, "Lib/Lib.cs", "namespace Lib; public static class Answer { public static int Get() => 42; public static string More() => \"changed\"; }");
            DotNet.Run(root, "build", "Lib", "-c", "Release");
            var libOutput = Path.Combine(root, "Lib", "bin", "Release", "net10.0", "Lib.dll");
            Assert.NotEqual(before, Hash(libOutput));   // the library did change
            Assert.Equal(before, Hash(held));           // ... but not under the running app

            // Rebuilding the app gives its folder the new library, still without touching the old file.
            DotNet.Run(root, "build", "App", "-c", "Release");
            Assert.Equal(Hash(libOutput), Hash(appLib));
            Assert.Equal(before, Hash(held));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
