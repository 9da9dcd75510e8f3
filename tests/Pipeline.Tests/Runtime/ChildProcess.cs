using System.Diagnostics;

namespace Pipeline.Tests.Runtime;

/// <summary>
/// The test assembly's entry point. Test runners never call it; a test that needs a fresh process (glibc's
/// malloc state, which depends on what every earlier test and thread did, for one) runs
/// <c>dotnet Pipeline.Tests.dll &lt;probe&gt;</c> and reads what the probe prints.
/// </summary>
public static class ChildProcess
{
    public static int Main(string[] args) => args switch
    {
        ["malloc-faults"] => MallocTuningTests.MeasureFaultsOnMainThread(),
        ["malloc-faults-crowded"] => MallocTuningTests.MeasureFaultsOnCrowdedThread(),
        ["shared-generator-image-ops"] => Imaging.SharedGeneratorTests.Probe(),
        ["global-seed"] => Execution.GlobalSeedTests.Probe(),
        _ => 2,
    };

    /// <summary>Runs a probe in a new process with extra environment variables and returns its standard output.</summary>
    public static string Run(string probe, params (string Name, string? Value)[] environment)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        psi.ArgumentList.Add(probe);
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"probe {probe} did not finish in 2 minutes.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"probe {probe} exited with {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
