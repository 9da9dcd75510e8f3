using System.Globalization;
using static TorchSharp.torch;

namespace Pipeline.Tests.Execution;

/// <summary>
/// <see cref="RandomSeed.Set"/>, TensorFlow's <c>tf.random.set_seed</c> rule: with a global seed, every random step
/// built without a seed of its own gets one derived from the global seed and its creation number, so the same program
/// gives the same results in every process; without it, every process differs; a step's own seed ignores the global
/// one. Each run is a fresh process (<see cref="Runtime.ChildProcess"/>): the seeds a process hands out depend on what
/// ran before in it, and these tests must not change the global seed of the test host.
/// </summary>
public class GlobalSeedTests
{
    const string SeedVariable = "PIPELINE_TEST_GLOBAL_SEED";

    static Dictionary<string, string> Run(string? seed)
    {
        var output = Runtime.ChildProcess.Run("global-seed", (SeedVariable, seed ?? ""));
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(": ", 2))
            .ToDictionary(p => p[0], p => p[1]);
    }

    static readonly string[] SeedlessSteps = ["shuffle epoch 1", "shuffle epoch 2", "random", "sample from datasets", "rejection resample", "list files"];

    [Fact]
    public void Two_processes_with_the_same_global_seed_draw_the_same_orders_and_numbers()
    {
        var first = Run("1");
        var second = Run("1");

        Assert.Equal(SeedlessSteps.Length + 2, first.Count);
        Assert.Equal(first, second);
        // Steps are seeded apart: the two epochs of one shuffle differ, and the shuffle is a real permutation.
        Assert.NotEqual(first["shuffle epoch 1"], first["shuffle epoch 2"]);
        Assert.NotEqual(string.Join(" ", Enumerable.Range(0, 20)), first["shuffle epoch 1"]);
    }

    [Fact]
    public void Different_global_seeds_give_different_orders_and_numbers()
    {
        var one = Run("1");
        var two = Run("2");

        foreach (var step in SeedlessSteps.Append("libtorch"))
            Assert.True(one[step] != two[step], $"{step}: global seeds 1 and 2 gave the same {one[step]}");
    }

    [Fact]
    public void Without_a_global_seed_every_process_draws_anew()
    {
        var first = Run(null);
        var second = Run(null);

        foreach (var step in new[] { "shuffle epoch 1", "random", "list files" })
            Assert.True(first[step] != second[step], $"{step}: two unseeded processes gave the same {first[step]}");
    }

    [Fact]
    public void A_step_with_its_own_seed_ignores_the_global_seed()
    {
        var unseeded = Run(null)["shuffle seed 5"];

        Assert.Equal(unseeded, Run("1")["shuffle seed 5"]);
        Assert.Equal(unseeded, Run("2")["shuffle seed 5"]);
        // And it is what the same step gives in this process, whatever the global seed here.
        Assert.Equal(unseeded, string.Join(" ", Dataset.Range(20).Shuffle(20, seed: 5)));
    }

    /// <summary>The probe: sets the global seed from the environment (none when empty), then prints one line per random step.</summary>
    internal static int Probe()
    {
        if (Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } seed)
            RandomSeed.Set(long.Parse(seed, CultureInfo.InvariantCulture));

        var folder = Directory.CreateTempSubdirectory("global-seed-");
        try
        {
            for (int i = 0; i < 12; i++) File.WriteAllText(Path.Combine(folder.FullName, $"shard-{i:D2}.txt"), "");
            // Built in one order, as a program would; every step below has no seed of its own but the last.
            var shuffle = Dataset.Range(20).Shuffle(20);
            var random = Dataset.Random().Take(4);
            var sample = Dataset.SampleFromDatasets([Dataset.Range(0, 10), Dataset.Range(100, 110)]).Take(10);
            var resampled = Dataset.Range(40).RejectionResample(x => x % 2, [0.9, 0.1], initialDist: [0.5, 0.5]).Take(10);
            var files = Dataset.ListFiles(Path.Combine(folder.FullName, "*.txt"));
            var ownSeed = Dataset.Range(20).Shuffle(20, seed: 5);

            Console.WriteLine($"shuffle epoch 1: {string.Join(" ", shuffle)}");
            Console.WriteLine($"shuffle epoch 2: {string.Join(" ", shuffle)}");
            Console.WriteLine($"random: {string.Join(" ", random)}");
            Console.WriteLine($"sample from datasets: {string.Join(" ", sample)}");
            Console.WriteLine($"rejection resample: {string.Join(" ", resampled.Select(e => e.Element))}");
            Console.WriteLine($"list files: {string.Join(" ", files.Select(Path.GetFileNameWithoutExtension))}");
            Console.WriteLine($"shuffle seed 5: {string.Join(" ", ownSeed)}");
            // libtorch's generator, which tf.image's random ops without a generator draw from, is seeded too.
            using var draws = rand(4, dtype: ScalarType.Float64);
            Console.WriteLine($"libtorch: {string.Join(" ", draws.data<double>().ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
        return 0;
    }
}
