using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// <c>Utils.SetRandomSeed</c> (Keras's <c>set_random_seed</c>) makes a whole program reproducible: the same program run
/// twice in two processes draws the same dataset shuffle, augmentation, dropout, ImageDataGenerator transforms and
/// initial weights, and ends training with bit-identical weights; another seed draws differently; an explicit
/// <c>seed:</c> keeps its own sequence. The program is Models.ResumeChild's <c>seeded-program</c> mode.
/// </summary>
public class GlobalSeedTests
{
    static Dictionary<string, string> RunProgram(string seed)
    {
        using var child = Saving.BackupAndRestoreTests.StartChild(["seeded-program", seed]);
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEndAsync();
        // A guard against a hung child, not a timing assertion.
        if (!child.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            child.Kill();
            Assert.Fail($"seeded-program {seed} did not finish in 5 minutes.");
        }
        Assert.True(child.ExitCode == 0, $"seeded-program {seed} exited with {child.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(": ", 2))
            .ToDictionary(p => p[0], p => p[1]);
    }

    static readonly string[] SeedlessSteps = ["shuffle", "random flip", "random rotation", "dropout", "image data generator", "fit"];

    [Fact]
    public void The_same_program_with_the_same_seed_gives_the_same_results_in_two_processes()
    {
        var first = RunProgram("1");
        var second = RunProgram("1");

        Assert.Equal(SeedlessSteps.Length + 1, first.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Another_seed_gives_other_orders_and_augmentations_and_an_explicit_seed_keeps_its_own()
    {
        var one = RunProgram("1");
        var two = RunProgram("2");
        var unseeded = RunProgram("none");

        foreach (var step in SeedlessSteps)
            Assert.True(one[step] != two[step], $"{step}: seeds 1 and 2 gave the same {one[step]}");
        Assert.Equal(one["random flip seed 3"], two["random flip seed 3"]);
        Assert.Equal(one["random flip seed 3"], unseeded["random flip seed 3"]);
    }

    [Fact]
    public void Without_a_seed_two_processes_shuffle_and_augment_differently()
    {
        var first = RunProgram("none");
        var second = RunProgram("none");

        foreach (var step in new[] { "shuffle", "random flip", "random rotation", "image data generator" })
            Assert.True(first[step] != second[step], $"{step}: two unseeded processes gave the same {first[step]}");
    }
}

/// <summary>The global seed within one process; these tests change it and libtorch's generator, and put both back.</summary>
[Collection(GlobalRandomState.Name)]
public sealed class GlobalSeedStateTests : IDisposable
{
    readonly long? _savedSeed = RandomSeed.Global;
    readonly Tensor _savedGenerator = random.get_rng_state();

    public void Dispose()
    {
        RandomSeed.Set(_savedSeed);
        random.set_rng_state(_savedGenerator);
        _savedGenerator.Dispose();
    }

    [Fact]
    public void SetRandomSeed_sets_the_global_seed_and_seeds_libtorch()
    {
        Utils.SetRandomSeed(3);
        Assert.Equal(3, RandomSeed.Global);
        using var afterSetRandomSeed = rand(5);
        manual_seed(3);
        using var afterManualSeed = rand(5);
        Assert.True(afterSetRandomSeed.allclose(afterManualSeed, rtol: 0, atol: 0));

        RandomSeed.Set(null);
        Assert.Null(RandomSeed.Global);
    }

    [Fact]
    public void Seedless_steps_get_seeds_by_creation_number_that_setting_the_seed_again_replays()
    {
        long[] Seeds() => [RandomSeed.GetSeed(null), RandomSeed.GetSeed(null), RandomSeed.GetSeed(null)];

        RandomSeed.Set(8);
        var first = Seeds();
        RandomSeed.Set(8);
        var again = Seeds();
        RandomSeed.Set(9);
        var other = Seeds();

        Assert.Equal(first, again);
        Assert.Equal(3, first.Distinct().Count());
        Assert.Empty(first.Intersect(other));
        Assert.Equal(12, RandomSeed.GetSeed(12));
    }

    [Fact]
    public void Two_seedless_augmentation_layers_built_after_the_same_seed_flip_alike()
    {
        using var images = arange(16 * 4 * 4, dtype: ScalarType.Float32).reshape(16, 4, 4, 1);
        Tensor Flipped()
        {
            using var layer = new RandomFlip("horizontal");
            return layer.Apply(images, training: true);
        }

        RandomSeed.Set(4);
        using var first = Flipped();
        RandomSeed.Set(4);
        using var second = Flipped();
        using var third = Flipped();

        Assert.True(first.allclose(second, rtol: 0, atol: 0), "the same seed and creation number flipped differently");
        Assert.False(first.allclose(third, rtol: 0, atol: 0), "the second layer built after the seed drew the first one's flips");
    }
}
