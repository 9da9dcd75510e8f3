namespace Pipeline.Models.Tests;

/// <summary>
/// Tests that seed libtorch's global generator (<c>manual_seed</c>) and then expect its next draws run alone: any test
/// building a layer in parallel draws from the same generator in between (seen failing 1 run in 10 on a loaded machine).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRandomState
{
    public const string Name = "Global random state (runs alone)";
}
