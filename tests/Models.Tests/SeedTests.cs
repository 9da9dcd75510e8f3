using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

[Collection("Seeds")]
public class SeedTests
{
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
