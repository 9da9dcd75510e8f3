using Pipeline.Models.Preprocessing;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Preprocessing.ImageDataGeneratorTests;

/// <summary>Flow: the batches Fit consumes, their shapes, epochs, seeds and subsets.</summary>
public class FlowTests
{
    /// <summary>n uint8 images of 6x5x3 whose every value is the image's index (mod 256), with int64 labels i % 3.</summary>
    static (Tensor X, Tensor Y) Numbered(int n)
    {
        var x = arange(n, ScalarType.Int64).remainder(256).to_type(ScalarType.Byte).view(n, 1, 1, 1).expand(n, 6, 5, 3).contiguous();
        var y = arange(n, ScalarType.Int64).remainder(3);
        return (x, y);
    }

    /// <summary>The image indices a batch holds (images made by <see cref="Numbered"/>, no transform).</summary>
    static long[] Indices(Tensor images) => [.. images[.., 0, 0, 0].to_type(ScalarType.Int64).data<long>()];

    static List<long[]> Epoch(Dataset<(Tensor, Tensor)> data)
    {
        var batches = new List<long[]>();
        foreach (var (images, labels) in data)
            using (images)
            using (labels)
                batches.Add(Indices(images));
        return batches;
    }

    [Fact]
    public void Flow_yields_float32_channels_last_batches_with_their_labels_and_ceil_n_over_batch_size_batches()
    {
        var (x, y) = Numbered(70);
        var flow = new ImageDataGenerator(rotationRange: 20, horizontalFlip: true).Flow(x, y, batchSize: 32, seed: 5);

        Assert.Equal(3, flow.Cardinality());
        var sizes = new List<long>();
        foreach (var (images, labels) in flow)
        {
            using (images)
            using (labels)
            {
                Assert.Equal(ScalarType.Float32, images.dtype);
                Assert.Equal([images.shape[0], 6, 5, 3], images.shape);
                Assert.Equal(ScalarType.Int64, labels.dtype);
                Assert.Equal([images.shape[0]], labels.shape);
                sizes.Add(images.shape[0]);
            }
        }
        Assert.Equal([32L, 32, 6], sizes);
    }

    [Fact]
    public void Every_epoch_visits_each_image_once_in_a_new_order_and_the_labels_stay_with_their_images()
    {
        var (x, y) = Numbered(50);
        var flow = new ImageDataGenerator().Flow(x, y, batchSize: 8, seed: 3);

        var first = Epoch(flow).SelectMany(b => b).ToArray();
        var second = Epoch(flow).SelectMany(b => b).ToArray();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), first.Order());
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), second.Order());
        Assert.NotEqual(first, second);

        foreach (var (images, labels) in flow)
            using (images)
            using (labels)
                Assert.Equal(Indices(images).Select(i => i % 3), labels.data<long>().ToArray());
    }

    [Fact]
    public void NumSharp_arrays_flow_too_and_without_augmentation_a_batch_is_the_rescaled_images()
    {
        var x = NumSharp.np.arange(2 * 4 * 4 * 3).reshape(2, 4, 4, 3).astype(NumSharp.NPTypeCode.Byte);
        var y = NumSharp.np.array(new long[] { 1, 0 });
        var flow = new ImageDataGenerator(rescale: 1.0 / 255).Flow(x, y, batchSize: 2, shuffle: false);
        var (images, labels) = flow.First();
        using (images)
        using (labels)
        {
            using var expected = arange(96, dtype: ScalarType.Float32).reshape(2, 4, 4, 3) * (float)(1.0 / 255);
            Assert.True(images.allclose(expected, rtol: 1e-6, atol: 1e-7));
            Assert.Equal([1L, 0], labels.data<long>().ToArray());
        }
    }

    [Fact]
    public void Flow_without_labels_feeds_Predict_in_the_order_of_x()
    {
        var (x, _) = TinyData.Blocks(20, seed: 2);
        using var model = TinyData.SmallCnn();
        var images = new ImageDataGenerator(validationSplit: 0.5).Flow(x, batchSize: 8, shuffle: false, subset: "validation");
        var predictions = model.Predict(images, verbose: 0);
        Assert.Equal([10, 3], predictions.shape);
        using var first = x.slice(0, 0, 10, 1);
        var direct = model.Predict(first, verbose: 0);
        Assert.True(NumSharp.np.allclose(direct, predictions));
    }

    [Fact]
    public void Without_shuffle_the_batches_follow_the_array_order()
    {
        var (x, y) = Numbered(10);
        var batches = Epoch(new ImageDataGenerator().Flow(x, y, batchSize: 4, shuffle: false));
        Assert.Equal([[0L, 1, 2, 3], [4L, 5, 6, 7], [8L, 9]], batches);
    }

    [Fact]
    public void The_same_seed_gives_the_same_orders_and_transforms_in_a_fresh_iterator_and_another_seed_does_not()
    {
        var (x, y) = Numbered(20);
        x = x.to_type(ScalarType.Float32) + rand(20, 6, 5, 3) * 50;
        var generator = new ImageDataGenerator(rotationRange: 30, widthShiftRange: 0.2, zoomRange: 0.2, horizontalFlip: true, channelShiftRange: 10);
        List<Tensor> Run(long seed)
        {
            var flow = generator.Flow(x, y, batchSize: 8, seed: seed);
            var all = new List<Tensor>();
            for (int epoch = 0; epoch < 2; epoch++)
                foreach (var (images, labels) in flow)
                {
                    labels.Dispose();
                    all.Add(images);
                }
            return all;
        }
        var a = Run(42);
        var b = Run(42);
        var c = Run(43);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.True(a[i].eq(b[i]).all().item<bool>(), $"batch {i} differs between two runs with seed 42");
        Assert.Contains(Enumerable.Range(0, a.Count), i => !a[i].eq(c[i]).all().item<bool>());
        // The two epochs of one run differ too (new order, new draws).
        Assert.False(a[0].eq(a[3]).all().item<bool>());
    }

    [Fact]
    public void ValidationSplit_subsets_are_disjoint_cover_the_data_and_validation_takes_the_first_images()
    {
        var (x, y) = Numbered(40);
        var generator = new ImageDataGenerator(validationSplit: 0.25);
        var training = generator.Flow(x, y, batchSize: 7, seed: 1, subset: "training");
        var validation = generator.Flow(x, y, batchSize: 7, seed: 1, subset: "validation");

        var t = Epoch(training).SelectMany(b => b).ToHashSet();
        var v = Epoch(validation).SelectMany(b => b).ToHashSet();
        Assert.Equal(30, training.Samples);
        Assert.Equal(10, validation.Samples);
        Assert.Empty(t.Intersect(v));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), t.Union(v).Order());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), v.Order());
        Assert.Equal(2, validation.Cardinality());
    }

    [Fact]
    public void A_split_whose_sides_hold_different_labels_is_refused_like_Keras()
    {
        using var x = zeros(10, 4, 4, 1);
        using var y = tensor(new long[] { 0, 0, 0, 0, 0, 1, 1, 1, 1, 1 });
        var e = Assert.Throws<ArgumentException>(() => new ImageDataGenerator(validationSplit: 0.5).Flow(x, y, subset: "training"));
        Assert.Equal("subset", e.ParamName);
        Assert.Contains("validation: [0], training: [1]", e.Message);
    }

    [Fact]
    public void Flow_feeds_Fit_as_training_and_validation_data_and_the_model_learns()
    {
        manual_seed(7);
        var (x, y) = TinyData.Blocks(240, seed: 7);
        var generator = new ImageDataGenerator(widthShiftRange: 0.1, heightShiftRange: 0.1, validationSplit: 0.2);
        var training = generator.Flow(x, y, batchSize: 16, seed: 1, subset: "training");
        var validation = generator.Flow(x, y, batchSize: 16, seed: 1, subset: "validation", shuffle: false);
        using var model = TinyData.SmallCnn();
        model.Compile(new Optimizers.Adam(learningRate: 0.01), "sparse_categorical_crossentropy", ["accuracy"]);

        var history = model.Fit(training, epochs: 6, validationData: validation, verbose: 0);

        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], history.Keys);
        Assert.True(history["loss"][^1] < history["loss"][0], $"loss {string.Join(", ", history["loss"])}");
        Assert.True(history["val_accuracy"][^1] > 0.8, $"val_accuracy {string.Join(", ", history["val_accuracy"])}");
    }

    [Fact]
    public void The_plan_is_the_pipeline_a_user_would_write_and_the_lint_finds_nothing()
    {
        var (x, y) = Numbered(10);
        var flow = new ImageDataGenerator(horizontalFlip: true).Flow(x, y, batchSize: 4, seed: 9);
        Assert.Equal(["Range", "Shuffle", "Batch", "Map"], flow.Plan.Select(s => s.Name));
        Assert.Contains("ImageDataGenerator.Flow", flow.ToString());
        Assert.Empty(flow.Lint());
        // Its element spec is known without using up an epoch: the first epoch's order is that of a fresh iterator.
        Assert.Equal("(TensorSpec(shape=(None, 6, 5, 3), dtype=tf.float32, name=None), TensorSpec(shape=(None,), dtype=tf.int64, name=None))", flow.ElementSpec.ToString());
        Assert.Equal(Epoch(new ImageDataGenerator(horizontalFlip: true).Flow(x, y, batchSize: 4, seed: 9)), Epoch(flow));
        // It composes with further steps like any dataset.
        Assert.Equal(2, Epoch(flow.Take(2).Prefetch(1)).Count);
    }
}
