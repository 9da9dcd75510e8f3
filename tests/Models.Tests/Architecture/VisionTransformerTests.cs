using Pipeline.Models.Saving;
using static Pipeline.Models.Tests.Saving.SavingTestKit;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

/// <summary>
/// The Vision Transformer of samples/VisionTransformer, built from that sample's own layer classes (Patches,
/// PatchEncoder, TransformerBlock, ClassToken: subclassed layers written as a user writes them).
/// </summary>
public class VisionTransformerTests
{
    [Fact]
    public void The_default_ViT_has_the_parameter_count_of_the_peer_benchmarks_PyTorch_model()
    {
        // ../shared/peer-bench/bench_torch.py: patch 4, dim 64, 4 heads, 4 blocks, MLP 128 on 32x32x3 prints params 142026.
        using var model = VisionTransformerModel.Create();
        Assert.Equal(142_026, model.CountParams());
        Assert.Equal([10], model.OutputShape);
        // Per block: 2 LayerNormalization (128 each), attention (4 x (64*64 + 64)), MLP (64*128 + 128 + 128*64 + 64).
        var block = Assert.IsType<TransformerBlock>(model.Layers.First(l => l is TransformerBlock));
        Assert.Equal(2 * 128 + 4 * (64 * 64 + 64) + (64 * 128 + 128) + (128 * 64 + 64), block.CountParams());
        // Projection (48*64 + 64), class token (64) and 65 position embeddings.
        var encoder = Assert.IsType<PatchEncoder>(model.Layers.First(l => l is PatchEncoder));
        Assert.Equal(48 * 64 + 64 + 64 + 65 * 64, encoder.CountParams());
    }

    [Fact]
    public void Patches_are_the_images_cut_into_a_row_major_sequence_of_flattened_squares()
    {
        using var scope = NewDisposeScope();
        var images = arange(2 * 8 * 12 * 3, ScalarType.Float32).reshape(2, 8, 12, 3);
        var patches = new Patches(4).Apply(images);

        Assert.Equal([2, 6, 48], patches.shape);
        // Patch 4 is row 1, column 1 of a 2 x 3 grid: pixels [4, 8) x [4, 8), flattened row, column, channel.
        var expected = images[1, TensorIndex.Slice(4, 8), TensorIndex.Slice(4, 8), TensorIndex.Colon].reshape(48);
        Assert.True(patches[1, 4].eq(expected).all().item<bool>());
        var error = Assert.Throws<ArgumentException>(() => new Patches(5).Apply(new Pipeline.Models.Layers.Input([8, 12, 3])));
        Assert.Contains("patchSize=5", error.Message);
    }

    [Fact]
    public void The_class_token_and_position_embeddings_are_trained_and_the_model_restores_from_a_keras_file()
    {
        using var folder = new TempDir();
        Utils.SetRandomSeed(5);
        using var scope = NewDisposeScope();
        var config = new VitConfig(ImageSize: 8, PatchSize: 4, ProjectionDim: 16, NumHeads: 2, Depth: 1, MlpDim: 32, NumClasses: 3);
        using var model = VisionTransformerModel.Create(config);
        var x = rand(12, 8, 8, 3);
        var y = randint(0, 3, [12], dtype: ScalarType.Int64);
        var encoder = (PatchEncoder)model.Layers.First(l => l is PatchEncoder);
        var classToken = encoder.Weights.Single(w => w.Name == "class_token");
        var before = classToken.Value.clone();

        model.Compile(new Optimizers.Adam(), new Losses.SparseCategoricalCrossentropy(fromLogits: true));
        model.Fit(x, y, batchSize: 4, epochs: 1, verbose: 0);
        Assert.False(classToken.Value.eq(before).all().item<bool>(), "the class token did not change in training");

        var path = folder.File("vit.keras");
        model.Save(path);
        using var restored = Models.LoadModel(path);
        Assert.Equal(["input_1", "patches", "patch_encoder", "transformer_block", "layer_normalization", "class_token", "dense"],
            restored.Layers.Select(l => l.Name));
        AssertBitIdentical(model.Predict(x, verbose: 0), restored.Predict(x, verbose: 0));
    }
}
