using System.Globalization;

namespace Pipeline;

public static partial class Dataset
{
    /// <summary>
    /// <c>dataset.rejection_resample(class_func, target_dist, initial_dist, seed)</c>: keeps or drops each element at random
    /// so that the classes of the elements kept follow <paramref name="targetDist"/>, to balance a skewed dataset for instance.
    /// Yields <c>(class, element)</c> pairs as tf.data does; <c>.Map((c, x) =&gt; x)</c> drops the class.
    /// </summary>
    /// <remarks>
    /// An element of class c is kept with probability <c>r[c] / max(r)</c>, where <c>r = target / initial</c>: the rarest
    /// class relative to its target is always kept. Without <paramref name="initialDist"/> the initial distribution is
    /// estimated as the elements go by (class counts that start at 10 each, as tf.data's estimate does), so the first
    /// elements follow the target less closely. Each input element is read once: unlike tf.data with a known initial
    /// distribution, which mixes a second pass over the input into the output to drop fewer elements, this never yields
    /// an element twice. Rejected elements are disposed.
    /// </remarks>
    /// <param name="dataset">The input.</param>
    /// <param name="classFunc">The class of an element, in <c>[0, targetDist.Length)</c>.</param>
    /// <param name="targetDist">The wanted probability of each class; non-negative, summing to 1.</param>
    /// <param name="initialDist">The input's probability of each class if known (same length); null to estimate it.</param>
    /// <param name="seed">Seed of the keep-or-drop draws (each iteration draws anew from it, reproducibly); null follows <see cref="RandomSeed"/>.</param>
    public static Dataset<(long Class, T Element)> RejectionResample<T>(this Dataset<T> dataset, Func<T, long> classFunc, double[] targetDist,
        double[]? initialDist = null, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(classFunc);
        var target = CheckDistribution(targetDist, nameof(targetDist), null);
        var initial = initialDist is null ? null : CheckDistribution(initialDist, nameof(initialDist), target.Length);
        if (initial is not null)
            for (var c = 0; c < target.Length; c++)
                if (target[c] > 0 && initial[c] == 0)
                    throw new ArgumentException($"RejectionResample: class {c} has target probability {ProbabilityText(target[c])} but initial probability 0; no element of it can be kept.", nameof(initialDist));
        var classes = target.Length;
        var step = new PlanStep("RejectionResample", StepKind.Filter, StepTraits.Random).With("classFunc", FunctionNames.Of(classFunc), positional: true)
            .With("targetDist", $"[{DistributionText(target)}]");
        if (initial is not null) step.With("initialDist", $"[{DistributionText(initial)}]");
        if (seed is { } s) step.With("seed", s);
        var baseSeed = RandomSeed.GetSeed(seed);
        long epoch = -1;
        var fixedAcceptance = initial is null ? null : Acceptance(initial, target);
        return new IteratorTransformDataset<T, (long, T)>(dataset, step, Run, n => n == InfiniteCardinality ? n : UnknownCardinality);

        IEnumerable<(long, T)> Run(Dataset<T> input, IterationContext context)
        {
            var random = new DeterministicRandom(DeterministicRandom.Mix(baseSeed, Interlocked.Increment(ref epoch)));
            var counts = Enumerable.Repeat(10.0, classes).ToArray();
            var estimate = new double[classes];
            long index = 0;
            foreach (var x in input.Read(context))
            {
                long c;
                try
                {
                    c = classFunc(x);
                    if (c < 0 || c >= classes)
                        throw new ArgumentOutOfRangeException(nameof(classFunc), c, $"classFunc returned class {c}, but targetDist has {classes} classes: expected a class in [0, {classes - 1}].");
                }
                catch (Exception e)
                {
                    Elements.Dispose(x);
                    throw new DatasetException(step.ToString(), index, e);
                }
                index++;
                double accept;
                if (fixedAcceptance is not null) accept = fixedAcceptance[c];
                else
                {
                    counts[c]++;
                    var total = counts.Sum();
                    for (var k = 0; k < classes; k++) estimate[k] = counts[k] / total;
                    accept = Acceptance(estimate, target)[c];
                }
                if (random.NextDouble() < accept) yield return (c, x);
                else Elements.Dispose(x);
            }
        }
    }

    /// <summary>Keep probability per class: <c>r / max(r)</c> with <c>r = target / initial</c> (0 where initial is 0).</summary>
    static double[] Acceptance(double[] initial, double[] target)
    {
        var ratio = new double[target.Length];
        for (var c = 0; c < ratio.Length; c++) ratio[c] = initial[c] > 0 ? target[c] / initial[c] : 0;
        var max = ratio.Max();
        for (var c = 0; c < ratio.Length; c++) ratio[c] = max > 0 ? ratio[c] / max : 0;
        return ratio;
    }

    static double[] CheckDistribution(double[] dist, string name, int? length)
    {
        ArgumentNullException.ThrowIfNull(dist, name);
        if (dist.Length == 0) throw new ArgumentException($"RejectionResample: {name} needs at least one class.", name);
        if (length is { } n && dist.Length != n)
            throw new ArgumentException($"RejectionResample: {name} has {dist.Length} classes but targetDist has {n}.", name);
        for (var c = 0; c < dist.Length; c++)
            if (!(dist[c] >= 0) || double.IsInfinity(dist[c]))
                throw new ArgumentException($"RejectionResample: {name}[{c}] is {ProbabilityText(dist[c])}; probabilities must be finite and non-negative.", name);
        var sum = dist.Sum();
        if (Math.Abs(sum - 1) > 1e-6)
            throw new ArgumentException($"RejectionResample: {name} must sum to 1, but [{DistributionText(dist)}] sums to {ProbabilityText(sum)}.", name);
        return (double[])dist.Clone();
    }

    static string ProbabilityText(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    static string DistributionText(double[] values) => string.Join(", ", values.Select(ProbabilityText));
}
