namespace Pipeline;

/// <summary><c>ListFiles</c>: the files matching a glob, globbed again at each iteration, optionally shuffled.</summary>
sealed class ListFilesDataset(string pattern, bool shuffle, long? seed) : Dataset<string>
{
    readonly long _seed = RandomSeed.GetSeed(seed);
    long _epoch = -1;
    readonly PlanStep _step = CreateStep(pattern, shuffle, seed);

    static PlanStep CreateStep(string pattern, bool shuffle, long? seed)
    {
        var step = new PlanStep("ListFiles", StepKind.Source, shuffle ? StepTraits.Random : StepTraits.None).With("pattern", $"'{pattern}'", positional: true);
        step.With("shuffle", shuffle);
        if (seed is { } s) step.With("seed", s);
        return step;
    }

    public override PlanStep Step => _step;

    public override long Cardinality() => Glob.Expand(pattern).Length;

    protected override IEnumerable<string> Iterate(IterationContext context)
    {
        var files = Glob.Expand(pattern);
        if (files.Length == 0)
            throw new FileNotFoundException($"ListFiles: no files match '{pattern}' (searched from '{Path.GetFullPath(pattern)}').");
        if (shuffle)
        {
            var random = new DeterministicRandom(DeterministicRandom.Mix(_seed, Interlocked.Increment(ref _epoch)));
            for (var i = files.Length - 1; i > 0; i--)
            {
                var j = random.NextInt(i + 1);
                (files[i], files[j]) = (files[j], files[i]);
            }
        }
        foreach (var f in files)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            yield return f;
        }
    }
}
