namespace Pipeline;

/// <summary>
/// The rule IDs <c>Lint()</c> reports, from the tf.data performance guide's ordering advice. IDs never change
/// meaning; docs/pipeline-lint.md shows a before/after example of each.
/// </summary>
public static class LintRules
{
    /// <summary>PL001: Shuffle after Batch shuffles whole batches, so the same elements always share a batch.</summary>
    public const string ShuffleAfterBatch = "PL001";

    /// <summary>PL002: Repeat before Shuffle blurs epoch boundaries (elements of the next epoch appear before this one ends).</summary>
    public const string RepeatBeforeShuffle = "PL002";

    /// <summary>PL003: Cache after a random step freezes the first epoch's randomness (same augmentation or order every epoch).</summary>
    public const string CacheAfterRandomStep = "PL003";

    /// <summary>PL004: Prefetch not last: the steps after it run on the consumer's thread, not overlapped with training.</summary>
    public const string PrefetchNotLast = "PL004";

    /// <summary>PL005: Filter after an expensive Map pays for elements it then throws away.</summary>
    public const string FilterAfterExpensiveMap = "PL005";

    /// <summary>PL006: a shuffle buffer much smaller (under a tenth) than the known dataset size barely shuffles.</summary>
    public const string SmallShuffleBuffer = "PL006";

    /// <summary>PL007: a hand-tuned parallelism or prefetch size where <see cref="Dataset.Autotune"/> adapts to the machine.</summary>
    public const string HandTunedParallelism = "PL007";
}
