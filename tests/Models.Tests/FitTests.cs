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

    [Fact]
    public void Forward_and_gradients_match_plain_nchw_torch_ops_with_the_same_weights()
    {
        var (x, y) = TinyData.Blocks(12, seed: 8);
        manual_seed(9);
        using var model = new Sequential(
        [
            new Input([8, 8, 1]),
            new Conv2D(4, 3, padding: "same", activation: "relu"),
            new MaxPooling2D(2),
            new Conv2D(2, (2, 3), (1, 2), padding: "same"),
            new Flatten(),
            new Dense(3, activation: "softmax"),
        ]);
        var conv1 = (Conv2D)model.Layers[0];
        var conv2 = (Conv2D)model.Layers[2];
        var dense = (Dense)model.Layers[4];

        // The reference: contiguous NCHW tensors and torch-layout kernels, as TorchSharp's own examples write it.
        Tensor Leaf(Tensor t) => t.detach().contiguous().requires_grad_(true);
        var k1 = Leaf(conv1.Kernel!.Value.permute(3, 2, 0, 1));
        var b1 = Leaf(conv1.Bias!.Value);
        var k2 = Leaf(conv2.Kernel!.Value.permute(3, 2, 0, 1));
        var b2 = Leaf(conv2.Bias!.Value);
        var w = Leaf(dense.Kernel!.Value);
        var b = Leaf(dense.Bias!.Value);
        var h = nn.functional.relu(nn.functional.conv2d(x.permute(0, 3, 1, 2).contiguous(), k1, b1, padding: [1, 1]));
        h = nn.functional.max_pool2d(h, [2, 2], [2, 2]);
        // TensorFlow's "same" for a 2x3 kernel, strides (1, 2) on 4x4: one extra row below, one extra column right.
        h = nn.functional.conv2d(nn.functional.pad(h, [0, 1, 0, 1]), k2, b2, strides: [1, 2]);
        h = h.permute(0, 2, 3, 1).reshape(12, -1);   // Keras flattens channels-last
        var expected = nn.functional.softmax(h.matmul(w).add(b), 1);

        using var tape = new GradientTape();
        var actual = model.Apply(x, training: true);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-6));

        var lossActual = nn.functional.nll_loss(actual.log(), y);
        var lossExpected = nn.functional.nll_loss(expected.log(), y);
        var grads = tape.Gradient(lossActual, [conv1.Kernel, conv1.Bias, conv2.Kernel, conv2.Bias, dense.Kernel, dense.Bias]);
        var reference = autograd.grad([lossExpected], [k1, b1, k2, b2, w, b]);
        Assert.True(grads[0]!.allclose(reference[0].permute(2, 3, 1, 0), rtol: 1e-4, atol: 1e-6));
        Assert.True(grads[1]!.allclose(reference[1], rtol: 1e-4, atol: 1e-6));
        Assert.True(grads[2]!.allclose(reference[2].permute(2, 3, 1, 0), rtol: 1e-4, atol: 1e-6));
        Assert.True(grads[3]!.allclose(reference[3], rtol: 1e-4, atol: 1e-6));
        Assert.True(grads[4]!.allclose(reference[4], rtol: 1e-4, atol: 1e-6));
        Assert.True(grads[5]!.allclose(reference[5], rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void A_softmax_output_is_scored_from_its_logits_so_confident_mistakes_keep_their_size()
    {
        var inputs = new Input([1]);
        var dense = new Dense(2, activation: "softmax");
        using var model = new Model(inputs, dense.Apply(inputs));
        dense.SetWeights([np.array(new float[] { 100, -100 }).reshape(1, 2), np.array(new float[] { 0, 0 })]);
        model.Compile("sgd", "sparse_categorical_crossentropy");
        using var x = ones(4, 1);
        using var y = ones(4, dtype: ScalarType.Int64);
        // The training step fuses the final softmax into the loss: log_softmax gives 200; log(clip(softmax)) would give 16.1.
        Assert.Equal(200, model.Evaluate(x, y, verbose: 0)["loss"], 2);
    }
}
