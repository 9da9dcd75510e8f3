namespace Pipeline;

/// <summary>Checks a plan against the tf.data guide's ordering advice (rules in <see cref="LintRules"/>).</summary>
static class Linter
{
    internal static IReadOnlyList<LintFinding> Check(IDataset dataset)
    {
        var findings = new List<LintFinding>();
        CheckLine(dataset, findings, []);
        return findings;
    }

    static void CheckLine(IDataset last, List<LintFinding> findings, HashSet<IDataset> seen)
    {
        var line = new List<IDataset>();
        for (IDataset? d = last; d is not null; d = d.Inputs.Count > 0 ? d.Inputs[0] : null) line.Add(d);
        line.Reverse();
        var steps = line.Select(d => d.Step).ToList();

        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            void Add(string id, LintSeverity severity, string message, string fix) => findings.Add(new LintFinding(id, severity, message, fix, s, i));

            if (s.Kind == StepKind.Shuffle)
            {
                var batch = LastBefore(steps, i, StepKind.Batch, stopAt: x => x.Name == "Unbatch");
                if (batch >= 0)
                    Add(LintRules.ShuffleAfterBatch, LintSeverity.Warning,
                        $"{s} comes after {steps[batch]}: it shuffles whole batches, so the same elements always share a batch.",
                        $"Shuffle the elements before batching: ... -> {s} -> {steps[batch]}.");
                var repeat = LastBefore(steps, i, StepKind.Repeat);
                if (repeat >= 0 && !(steps[repeat]["count"] is long c && c <= 1))
                    Add(LintRules.RepeatBeforeShuffle, LintSeverity.Warning,
                        $"{steps[repeat]} comes before {s}: the shuffle buffer mixes the end of one epoch with the start of the next, so epochs blur.",
                        $"Shuffle, then repeat: ... -> {s} -> {steps[repeat]} (each epoch is then a fresh, complete shuffle).");
                var n = i > 0 ? line[i - 1].Cardinality() : Dataset.UnknownCardinality;
                if (s["bufferSize"] is int size && n > 0 && (long)size * 10 < n)
                    Add(LintRules.SmallShuffleBuffer, LintSeverity.Warning,
                        $"{s} draws from a buffer of {size} over {n} elements: an element can only move about {size} places, and the first outputs always come from the first {size} elements.",
                        $"Use a buffer close to the dataset size (Shuffle({n})), or shuffle file names and interleave files before a smaller element shuffle.");
            }
            if (s.Kind == StepKind.Cache)
            {
                var random = LastBefore(steps, i, k => k.Traits.HasFlag(StepTraits.Random));
                if (random >= 0)
                    Add(LintRules.CacheAfterRandomStep, LintSeverity.Warning,
                        $"{s} comes after the random step {steps[random]}: the first epoch's random results are stored and replayed, so every epoch sees the same {(steps[random].Kind == StepKind.Shuffle ? "order" : "augmentation")}.",
                        $"Cache before the random step: ... -> {s} -> {steps[random]} -> ...");
            }
            if (s.Kind == StepKind.Prefetch)
            {
                var after = steps.Skip(i + 1).Where(x => x.Kind is not StepKind.Prefetch and not StepKind.Other).ToList();
                if (after.Count > 0 && !steps.Skip(i + 1).Any(x => x.Kind == StepKind.Prefetch))
                    Add(LintRules.PrefetchNotLast, LintSeverity.Warning,
                        $"{s} is followed by {string.Join(" -> ", after)}, which then run on the consumer's thread instead of overlapping with training.",
                        $"Make Prefetch the last step: ... -> {string.Join(" -> ", after)} -> {s}.");
            }
            if (s.Kind == StepKind.Filter)
            {
                // A parallel Map counts as expensive (why else parallelize it); a parallel Interleave does not: reading the
                // records of several files at once is not work spent on each element.
                var map = LastBefore(steps, i, k => k.Traits.HasFlag(StepTraits.Expensive) && k.Kind is StepKind.Map or StepKind.FlatMap
                    || k.Kind == StepKind.Map && k["numParallelCalls"] is int p && p != 1);
                if (map >= 0)
                    Add(LintRules.FilterAfterExpensiveMap, LintSeverity.Warning,
                        $"{s} comes after the expensive {steps[map]}: every element it drops was processed for nothing.",
                        $"Filter before the expensive step (on cheap fields such as labels or file names): ... -> {s} -> {steps[map]}.");
            }
            foreach (var name in new[] { "numParallelCalls", "bufferSize" })
            {
                if (name == "bufferSize" && s.Kind != StepKind.Prefetch) continue;
                if (s[name] is int p && p > 1 && s.Kind is StepKind.Map or StepKind.FlatMap or StepKind.Prefetch)
                    Add(LintRules.HandTunedParallelism, LintSeverity.Info,
                        $"{s} fixes {name}={p}; the best value depends on the machine and the rest of the pipeline.",
                        $"Pass {name}: Dataset.Autotune.");
            }
        }

        foreach (var d in line)
        {
            if (!seen.Add(d)) continue;
            foreach (var other in d.Inputs.Skip(1)) CheckLine(other, findings, seen);
            if (d is ICombination combination) foreach (var b in combination.Branches) CheckLine(b, findings, seen);
        }
    }

    static int LastBefore(List<PlanStep> steps, int i, StepKind kind, Func<PlanStep, bool>? stopAt = null)
    {
        for (var j = i - 1; j >= 0; j--)
        {
            if (stopAt is not null && stopAt(steps[j])) return -1;
            if (steps[j].Kind == kind) return j;
        }
        return -1;
    }

    static int LastBefore(List<PlanStep> steps, int i, Func<PlanStep, bool> match)
    {
        for (var j = i - 1; j >= 0; j--) if (match(steps[j])) return j;
        return -1;
    }
}
