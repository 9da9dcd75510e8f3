using System.Globalization;

namespace Fuzz.Tests.Harness;

/// <summary>
/// Runs a fixed-seed mutation campaign against a <see cref="FuzzTarget"/>: every committed seed and every saved crash
/// input first, then mutants. The suite runs a few thousand cases per target; set <c>PIPELINE_FUZZ_CASES</c> (and
/// <c>PIPELINE_FUZZ_SEED</c>) for a longer run (docs/reliability.md). A failing input is saved to a file whose path the
/// failure message gives; commit it under <c>Corpus/&lt;target&gt;/crashes/</c> so it stays a regression test.
/// </summary>
public static class FuzzRunner
{
    /// <summary>Mutants per target inside the test suite.</summary>
    public const int DefaultCases = 3000;

    /// <summary>The suite's seed; a longer run picks its own.</summary>
    public const int DefaultSeed = 20261201;

    /// <summary>Outcome counts, so a test can check the campaign reached both accepted and rejected inputs.</summary>
    public sealed record Report(int Cases, int Accepted, IReadOnlyDictionary<string, int> Rejected)
    {
        public override string ToString() =>
            $"{Cases} cases: {Accepted} accepted, rejected: " + string.Join(", ", Rejected.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"));
    }

    /// <summary>
    /// Seeds of <paramref name="target"/>: those the library's writers make (<see cref="GeneratedSeeds"/>), then the
    /// committed files under Corpus/&lt;name&gt;/ (inputs from other tools, and saved crashes).
    /// </summary>
    public static List<byte[]> Seeds(string target)
    {
        var seeds = GeneratedSeeds.For(target).ToList();
        var dir = Path.Combine(RepositoryPaths.Root, "tests", "Fuzz.Tests", "Corpus", target);
        if (Directory.Exists(dir))
            seeds.AddRange(Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".md", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(File.ReadAllBytes));
        return seeds;
    }

    public static Report Run(FuzzTarget target, int? cases = null, int? seed = null)
    {
        int count = cases ?? EnvInt("PIPELINE_FUZZ_CASES") ?? DefaultCases;
        int campaignSeed = seed ?? EnvInt("PIPELINE_FUZZ_SEED") ?? DefaultSeed;
        var corpus = Seeds(target.Name);
        corpus.AddRange(target.ExtraSeeds ?? []);
        if (corpus.Count == 0) throw new InvalidOperationException($"Fuzz target '{target.Name}' has no seeds: add files under tests/Fuzz.Tests/Corpus/{target.Name}/ or to GeneratedSeeds.");

        int accepted = 0;
        var rejected = new Dictionary<string, int>();
        var rng = new Random(campaignSeed);
        int total = corpus.Count + count;
        for (int i = 0; i < total; i++)
        {
            // The seeds themselves first, then mutants of random seeds.
            var input = i < corpus.Count ? corpus[i] : Mutator.Mutate(corpus[rng.Next(corpus.Count)], corpus, rng);
            try
            {
                target.Run(input);
                accepted++;
            }
            catch (Exception e) when (target.IsExpected(e))
            {
                var kind = e.GetType().Name;
                rejected[kind] = rejected.GetValueOrDefault(kind) + 1;
            }
            catch (Exception e)
            {
                throw new FuzzFailure(target.Name, campaignSeed, i, Save(target.Name, campaignSeed, i, input), e);
            }
        }
        return new Report(total, accepted, rejected);
    }

    static string Save(string target, int seed, int index, byte[] input)
    {
        var dir = Path.Combine(Path.GetTempPath(), "pipeline-fuzz-failures");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{target}-seed{seed}-case{index}.bin");
        File.WriteAllBytes(path, input);
        return path;
    }

    static int? EnvInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;
}

/// <summary>An input made the target fail in an undocumented way.</summary>
public sealed class FuzzFailure(string target, int seed, int index, string savedInput, Exception inner)
    : Exception($"Fuzz target '{target}' failed on case {index} of seed {seed} with {inner.GetType().Name}: {inner.Message}\n" +
        $"The input is saved at {savedInput}; copy it to tests/Fuzz.Tests/Corpus/{target}/crashes/ to keep it as a regression test. " +
        $"Reproduce with PIPELINE_FUZZ_SEED={seed}.", inner);
