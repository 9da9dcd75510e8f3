namespace Pipeline.Tests.Transformations;

/// <summary>
/// <c>RejectionResample</c> against tf.data's contract: (class, element) pairs whose classes follow the target
/// distribution, checked with a chi-square test on a fixed seed.
/// </summary>
public class RejectionResampleTests
{
    // 30,000 elements, classes 70 % / 20 % / 10 % in a repeating pattern of ten.
    const int Count = 30_000;
    static readonly double[] Initial = [0.7, 0.2, 0.1];

    static long ClassOf(long i) => i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2;

    static Dataset<long> Skewed() => Dataset.Range(Count);

    /// <summary>Pearson's chi-square of observed class counts against expected probabilities.</summary>
    static double ChiSquare(long[] observed, double[] expected)
    {
        double n = observed.Sum(), chi = 0;
        for (var c = 0; c < observed.Length; c++) chi += Math.Pow(observed[c] - n * expected[c], 2) / (n * expected[c]);
        return chi;
    }

    static long[] Counts(IEnumerable<long> classes, int n)
    {
        var counts = new long[n];
        foreach (var c in classes) counts[c]++;
        return counts;
    }

    // 13.82 is the 0.999 quantile of chi-square with 2 degrees of freedom: a correct sampler fails it once in 1000 seeds.
    const double Critical = 13.82;

    [Theory]
    [InlineData(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 })]
    [InlineData(new[] { 0.1, 0.3, 0.6 })]
    public void With_a_known_initial_distribution_the_kept_classes_follow_the_target(double[] target)
    {
        var pairs = Skewed().RejectionResample(ClassOf, target, Initial, seed: 7).ToList();
        Assert.All(pairs, p => Assert.Equal(ClassOf(p.Element), p.Class));
        Assert.Equal(pairs.Count, pairs.Select(p => p.Element).Distinct().Count());   // each element at most once
        Assert.True(ChiSquare(Counts(pairs.Select(p => p.Class), 3), target) < Critical, $"chi-square {ChiSquare(Counts(pairs.Select(p => p.Class), 3), target):F2}");
        // The test can tell: the input itself is far from the target.
        Assert.True(ChiSquare(Counts(Skewed().Select(ClassOf), 3), target) > 1000);
        // Kept on average: sum over classes of initial * keep probability, keep = (target / initial) / max(target / initial).
        var ratio = target.Select((t, c) => t / Initial[c]).ToArray();
        var expected = Count * Initial.Select((p, c) => p * ratio[c] / ratio.Max()).Sum();
        var sd = Math.Sqrt(Initial.Select((p, c) => Count * p * (ratio[c] / ratio.Max()) * (1 - ratio[c] / ratio.Max())).Sum());
        Assert.InRange(pairs.Count, expected - 5 * sd, expected + 5 * sd);
    }

    [Fact]
    public void Without_an_initial_distribution_it_is_estimated_and_the_output_converges_to_the_target()
    {
        double[] target = [1 / 3.0, 1 / 3.0, 1 / 3.0];
        var pairs = Skewed().RejectionResample(ClassOf, target, seed: 11).ToList();
        // After the first 3,000 inputs the running estimate is within a few percent of 70/20/10.
        var late = Counts(pairs.Where(p => p.Element >= 3_000).Select(p => p.Class), 3);
        Assert.True(ChiSquare(late, target) < Critical, $"chi-square {ChiSquare(late, target):F2} for [{string.Join(", ", late)}]");
    }

    [Fact]
    public void A_seed_makes_every_run_reproducible_and_iterations_draw_anew()
    {
        var ds = Skewed().Take(2_000).RejectionResample(ClassOf, [0.5, 0.25, 0.25], Initial, seed: 3);
        var first = ds.Select(p => p.Element).ToList();
        var second = ds.Select(p => p.Element).ToList();
        Assert.NotEqual(first, second);
        var again = Skewed().Take(2_000).RejectionResample(ClassOf, [0.5, 0.25, 0.25], Initial, seed: 3);
        Assert.Equal(first, again.Select(p => p.Element));
        Assert.Equal(second, again.Select(p => p.Element));
        Assert.Equal("Range(30000) -> Take(2000) -> RejectionResample(ClassOf, targetDist=[0.5, 0.25, 0.25], initialDist=[0.7, 0.2, 0.1], seed=3)", ds.ToString());
    }

    [Fact]
    public void Bad_distributions_and_classes_are_named_with_expected_and_actual()
    {
        var sum = Assert.Throws<ArgumentException>(() => Skewed().RejectionResample(ClassOf, [0.5, 0.4]));
        Assert.Equal("targetDist", sum.ParamName);
        Assert.Contains("must sum to 1, but [0.5, 0.4] sums to 0.9", sum.Message);
        var unreachable = Assert.Throws<ArgumentException>(() => Skewed().RejectionResample(ClassOf, [0.5, 0.5], [1.0, 0.0]));
        Assert.Contains("class 1 has target probability 0.5 but initial probability 0", unreachable.Message);
        var lengths = Assert.Throws<ArgumentException>(() => Skewed().RejectionResample(ClassOf, [0.5, 0.5], Initial));
        Assert.Contains("initialDist has 3 classes but targetDist has 2", lengths.Message);

        var outOfRange = Assert.Throws<DatasetException>(() => Skewed().RejectionResample(ClassOf, [0.5, 0.5], seed: 1).ToList());
        Assert.Equal(9, outOfRange.ElementIndex);   // element 9 is the first of class 2
        Assert.Contains("classFunc returned class 2, but targetDist has 2 classes: expected a class in [0, 1]", outOfRange.Message);
    }
}
