namespace Pipeline.Tests.Lint;

public class LintTests
{
    static Dataset<long> Source => Dataset.Range(1000);

    static long Augment(long x) => x;

    static long DecodeImage(long x) => x;

    static IEnumerable<string> Ids<T>(Dataset<T> ds) => ds.Lint().Select(f => f.RuleId);

    [Fact]
    public void The_tutorial_order_has_no_findings()
    {
        var ds = Source.Map(x => x).Cache().Shuffle(1000, seed: 1).Repeat().Map(Augment, numParallelCalls: Dataset.Autotune)
            .Batch(64).Prefetch(Dataset.Autotune);
        Assert.Empty(ds.Lint());
    }

    [Fact]
    public void PL001_shuffle_after_batch()
    {
        var bad = Source.Batch(10).Shuffle(100);
        var finding = Assert.Single(bad.Lint(), f => f.RuleId == LintRules.ShuffleAfterBatch);
        Assert.Equal(2, finding.StepIndex);
        Assert.Contains("Shuffle(100) -> Batch(10)", finding.Fix);
        Assert.DoesNotContain(LintRules.ShuffleAfterBatch, Ids(Source.Shuffle(1000).Batch(10)));
        Assert.DoesNotContain(LintRules.ShuffleAfterBatch, Ids(Source.Batch(10).Unbatch().Shuffle(1000)));
    }

    [Fact]
    public void PL002_repeat_before_shuffle()
    {
        Assert.Contains(LintRules.RepeatBeforeShuffle, Ids(Source.Repeat().Shuffle(1000)));
        Assert.DoesNotContain(LintRules.RepeatBeforeShuffle, Ids(Source.Shuffle(1000).Repeat()));
        Assert.DoesNotContain(LintRules.RepeatBeforeShuffle, Ids(Source.Repeat(1).Shuffle(1000)));
    }

    [Fact]
    public void PL003_cache_after_a_random_step()
    {
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(Source.Map(Augment).Cache()));
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(Source.Map(x => x, traits: StepTraits.Random).Cache()));
        Assert.Contains(LintRules.CacheAfterRandomStep, Ids(Source.Shuffle(1000).Cache()));
        Assert.DoesNotContain(LintRules.CacheAfterRandomStep, Ids(Source.Map(x => x).Cache().Map(Augment)));
        Assert.DoesNotContain(LintRules.CacheAfterRandomStep, Ids(Source.Map(Augment, traits: StepTraits.None).Cache()));
    }

    [Fact]
    public void PL004_prefetch_not_last()
    {
        var finding = Assert.Single(Source.Prefetch().Map(x => x).Batch(4).Lint(), f => f.RuleId == LintRules.PrefetchNotLast);
        Assert.Contains("Map(lambda) -> Batch(4) -> Prefetch(AUTOTUNE)", finding.Fix);
        Assert.DoesNotContain(LintRules.PrefetchNotLast, Ids(Source.Map(x => x).Batch(4).Prefetch()));
        Assert.DoesNotContain(LintRules.PrefetchNotLast, Ids(Source.Prefetch().Batch(4).Prefetch()));
    }

    [Fact]
    public void PL005_filter_after_an_expensive_map()
    {
        Assert.Contains(LintRules.FilterAfterExpensiveMap, Ids(Source.Map(DecodeImage).Filter(x => x > 3)));
        Assert.Contains(LintRules.FilterAfterExpensiveMap, Ids(Source.Map(x => x, traits: StepTraits.Expensive).Filter(x => x > 3)));
        Assert.DoesNotContain(LintRules.FilterAfterExpensiveMap, Ids(Source.Filter(x => x > 3).Map(DecodeImage)));
        Assert.DoesNotContain(LintRules.FilterAfterExpensiveMap, Ids(Source.Map(x => x + 1).Filter(x => x > 3)));
        Assert.Contains(LintRules.FilterAfterExpensiveMap, Ids(Source.Map(x => x + 1, numParallelCalls: Dataset.Autotune).Filter(x => x > 3)));
        Assert.DoesNotContain(LintRules.FilterAfterExpensiveMap,
            Ids(Dataset.Range(4).Interleave(f => Dataset.Range(f * 10, f * 10 + 10), numParallelCalls: Dataset.Autotune).Filter(x => x > 3)));
    }

    [Fact]
    public void PL006_shuffle_buffer_much_smaller_than_the_dataset()
    {
        var finding = Assert.Single(Dataset.Range(50_000).Shuffle(1000).Lint());
        Assert.Equal(LintRules.SmallShuffleBuffer, finding.RuleId);
        Assert.Contains("Shuffle(50000)", finding.Fix);
        Assert.DoesNotContain(LintRules.SmallShuffleBuffer, Ids(Dataset.Range(50_000).Shuffle(10_000)));
        Assert.DoesNotContain(LintRules.SmallShuffleBuffer, Ids(Dataset.Range(50_000).Filter(x => x > 1).Shuffle(1000)));
    }

    [Fact]
    public void PL007_hand_tuned_parallelism()
    {
        var finding = Assert.Single(Source.Map(x => x, numParallelCalls: 4).Lint());
        Assert.Equal(LintRules.HandTunedParallelism, finding.RuleId);
        Assert.Equal(LintSeverity.Info, finding.Severity);
        Assert.Contains(LintRules.HandTunedParallelism, Ids(Source.Prefetch(8)));
        Assert.Empty(Source.Map(x => x, numParallelCalls: Dataset.Autotune).Prefetch(1).Lint());
    }

    [Fact]
    public void Lint_checks_the_branches_of_combined_datasets()
    {
        var zipped = Source.Zip(Dataset.Range(10).Batch(2).Shuffle(5).Map(t => { t.Dispose(); return 0L; }));
        Assert.Contains(LintRules.ShuffleAfterBatch, Ids(zipped));
        var sampled = Dataset.SampleFromDatasets([Source.Repeat().Shuffle(10), Source]);
        Assert.Contains(LintRules.RepeatBeforeShuffle, Ids(sampled));
    }

    [Fact]
    public void Findings_print_rule_step_and_fix()
    {
        var text = Source.Batch(10).Shuffle(100).Lint()[0].ToString();
        Assert.StartsWith("PL001 warning at step 2 Shuffle(100): ", text);
        Assert.Contains("Fix: ", text);
    }
}
