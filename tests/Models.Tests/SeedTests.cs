using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

[Collection("Seeds")]
public class SeedTests
{
    [Fact]
    public void A_seed_fixes_fits_batch_order_through_one_code_defined_generator()
    {
        Utils.SetRandomSeed(7);
        var first = Utils.Permutation(50);
        Utils.SetRandomSeed(7);
        var second = Utils.Permutation(50);
        Assert.Equal(first, second);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), first.Order());
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (long)i), first);
        Utils.SetRandomSeed(8);
        Assert.NotEqual(first, Utils.Permutation(50));
    }

    [Fact]
    public void Two_seeded_runs_train_to_identical_weights()
    {
        var (x, y) = TinyData.Blocks(40, seed: 41);
        float[] Run()
        {
            Utils.SetRandomSeed(11);
            using var model = TinyData.SmallCnn();
            model.Compile("adam", "sparse_categorical_crossentropy");
            model.Fit(x, y, batchSize: 8, epochs: 2, shuffle: true, verbose: 0);
            return model.GetWeights()[0].ToArray<float>();
        }
        Assert.Equal(Run(), Run());
    }
}

/// <summary>libtorch's generator is process-wide: seeded-run tests must not share the process with other tests' draws.</summary>
[CollectionDefinition("Seeds", DisableParallelization = true)]
public sealed class SeedsCollection;
