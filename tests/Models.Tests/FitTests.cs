using NumSharp;
using Pipeline.Models.Layers;
using Pipeline.Models.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public class FitTests
{
    static Sequential Compiled(Optimizer? optimizer = null)
    {
        var model = TinyData.SmallCnn();
        model.Compile(optimizer: optimizer ?? new Adam(learningRate: 0.01), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    [Fact]
    public void Fit_learns_a_separable_image_task_and_logs_keras_history_keys()
    {
        manual_seed(1);
        var (x, y) = TinyData.Blocks(240, seed: 1);
        using var model = Compiled();
        var history = model.Fit(x, y, batchSize: 16, epochs: 6, validationSplit: 0.25, verbose: 0);

        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], history.Keys);
        Assert.Equal([0, 1, 2, 3, 4, 5], history.Epochs);
        Assert.True(history["loss"][^1] < history["loss"][0], $"loss did not fall: {string.Join(", ", history["loss"])}");
        Assert.True(history["val_accuracy"][^1] > 0.9, $"val_accuracy {history["val_accuracy"][^1]}");
    }

    [Fact]
    public void Evaluate_returns_loss_and_metrics_matching_the_last_validation_epoch()
    {
        manual_seed(2);
        var (x, y) = TinyData.Blocks(120, seed: 2);
        var (xv, yv) = TinyData.Blocks(30, seed: 3);
        using var model = Compiled();
        var history = model.Fit(x, y, validationData: (xv, yv), batchSize: 16, epochs: 2, verbose: 0);
        var scores = model.Evaluate(xv, yv, verbose: 0);
        Assert.Equal(["loss", "accuracy"], scores.Keys);
        Assert.Equal(history["val_loss"][^1], scores["loss"], 5);
        Assert.Equal(history["val_accuracy"][^1], scores["accuracy"], 5);
    }

    [Fact]
    public void Predict_returns_an_ndarray_of_class_probabilities_per_sample()
    {
        var (x, _) = TinyData.Blocks(37, seed: 4);
        using var model = Compiled();
        using NDArray p = model.Predict(x, batchSize: 16, verbose: 0);
        Assert.Equal([37, 3], p.shape);
        var rows = p.ToArray<float>().Chunk(3).Select(r => r.Sum()).ToArray();
        Assert.All(rows, s => Assert.Equal(1f, s, 4));
    }

    [Fact]
    public void Fit_accepts_numsharp_arrays_like_numpy()
    {
        manual_seed(5);
        var (x, y) = TinyData.Blocks(60, seed: 5);
        using var nx = new NDArray(x.data<float>().ToArray(), new Shape(60, 8, 8, 1));
        using var ny = new NDArray(y.data<long>().ToArray(), new Shape(60));
        using var model = Compiled();
        var history = model.Fit(nx, ny, batchSize: 20, epochs: 2, verbose: 0);
        Assert.Equal(2, history["loss"].Count);
        Assert.Equal(["loss", "accuracy"], model.Evaluate(nx, ny, verbose: 0).Keys);
    }

    [Fact]
    public void Uint8_images_train_as_floats()
    {
        var (x, y) = TinyData.Blocks(30, seed: 6);
        using var bytes = (x * 255).clamp(0, 255).to_type(ScalarType.Byte);
        using var model = Compiled();
        var history = model.Fit(bytes, y, batchSize: 10, epochs: 1, verbose: 0);
        Assert.True(double.IsFinite(history["loss"][0]));
    }

    [Fact]
    public void A_model_without_input_builds_from_the_first_data()
    {
        var (x, y) = TinyData.Blocks(20, seed: 7);
        using var model = new Sequential([new Flatten(), new Dense(3, activation: "softmax")]);
        model.Compile("sgd", "sparse_categorical_crossentropy");
        Assert.False(model.Built);
        model.Fit(x, y, batchSize: 10, verbose: 0);
        Assert.True(model.Built);
        Assert.Equal([64], model.Layers[1].InputShape);
        Assert.Equal(195, model.CountParams());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Channels_last_and_nchw_layouts_compute_the_same_outputs_and_gradients(bool firstChannelsLast)
    {
        var (x, y) = TinyData.Blocks(12, seed: 8);
        manual_seed(9);
        using var a = InLayout(firstChannelsLast);
        using var b = InLayout(!firstChannelsLast);
        using (no_grad())
            foreach (var (pa, pb) in a.Parameters.Zip(b.Parameters)) pb.copy_(pa);

        using var outA = a.Forward(x, training: false, stopBeforeSoftmax: false);
        using var outB = b.Forward(x, training: false, stopBeforeSoftmax: false);
        Assert.True(outA.allclose(outB, rtol: 1e-4, atol: 1e-6));

        foreach (var m in new[] { a, b })
        {
            using var loss = nn.functional.cross_entropy(m.Forward(x, training: true, stopBeforeSoftmax: true), y);
            loss.backward();
        }
        foreach (var (pa, pb) in a.Parameters.Zip(b.Parameters))
            Assert.True(pa.grad!.allclose(pb.grad!, rtol: 1e-4, atol: 1e-6));
    }

    static Sequential InLayout(bool channelsLast)
    {
        var model = new Sequential { ChannelsLast = channelsLast };
        model.Add(new Input([8, 8, 1]));
        model.Add(new Conv2D(4, 3, padding: "same", activation: "relu"));
        model.Add(new MaxPooling2D(2));
        model.Add(new Conv2D(2, (2, 3), (1, 2), padding: "same"));
        model.Add(new Flatten());
        model.Add(new Dense(3, activation: "softmax"));
        return model;
    }
}
