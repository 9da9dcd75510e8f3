namespace Pipeline;

/// <summary>
/// <c>SampleFromDatasets</c>: each element comes from a dataset drawn at random by weight. When a dataset runs out,
/// either the whole sampling stops (<c>stopOnEmptyDataset</c>) or the remaining weights are renormalized.
/// </summary>
sealed class SampleDataset<T>(Dataset<T>[] datasets, double[] weights, long? seed, bool stopOnEmptyDataset) : Dataset<T>, ICombination
{
    readonly long _seed = RandomSeed.GetSeed(seed);
    long _epoch = -1;
    PlanStep? _step;

    public IReadOnlyList<IDataset> Branches => datasets;

    public override PlanStep Step => _step ??= CreateStep();

    PlanStep CreateStep()
    {
        var step = new PlanStep("SampleFromDatasets", StepKind.Combine, StepTraits.Random)
            .With("datasets", "[" + string.Join(", ", datasets.Select(d => d.ToString())) + "]", positional: true)
            .With("weights", "[" + string.Join(", ", weights.Select(w => PlanStep.Format(w))) + "]");
        if (seed is { } s) step.With("seed", s);
        if (stopOnEmptyDataset) step.With("stopOnEmptyDataset", true);
        return step.WithBranches(datasets.Select(d => d.Plan));
    }

    public override long Cardinality()
    {
        var all = datasets.Select(d => d.Cardinality()).ToArray();
        if (all.All(c => c == Dataset.InfiniteCardinality)) return Dataset.InfiniteCardinality;
        if (!stopOnEmptyDataset && all.All(c => c >= 0)) return all.Sum();
        return Dataset.UnknownCardinality;
    }

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        var random = new DeterministicRandom(DeterministicRandom.Mix(_seed, Interlocked.Increment(ref _epoch)));
        var enumerators = datasets.Select(d => d.Read(context).GetEnumerator()).ToArray();
        var live = weights.ToArray();
        try
        {
            while (true)
            {
                var total = live.Sum();
                if (total <= 0) yield break;
                var u = random.NextDouble() * total;
                var i = -1;
                for (var k = 0; k < live.Length; k++)
                {
                    if (live[k] <= 0) continue;
                    i = k;
                    if (u < live[k]) break;
                    u -= live[k];
                }
                if (enumerators[i].MoveNext())
                {
                    yield return enumerators[i].Current;
                    continue;
                }
                if (stopOnEmptyDataset) yield break;
                live[i] = 0;
            }
        }
        finally
        {
            foreach (var e in enumerators) e.Dispose();
        }
    }
}
