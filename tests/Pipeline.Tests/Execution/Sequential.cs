namespace Pipeline.Tests.Execution;

/// <summary>Tests that count process-wide things (live tensors, pipeline threads) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Sequential
{
    public const string Name = "Sequential (process-wide counters)";
}
