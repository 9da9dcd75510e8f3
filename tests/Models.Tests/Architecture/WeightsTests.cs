using NumSharp;
using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

public class WeightsTests
{
    [Fact]
    public void Get_weights_speaks_kerass_layout_and_order()
    {
        using var model = SummaryTests.TutorialCnn();
        var weights = model.GetWeights();
        Assert.Equal(8, weights.Length);
        Assert.Equal([3, 3, 3, 32], weights[0].shape);
        Assert.Equal([32], weights[1].shape);
        Assert.Equal([3, 3, 32, 64], weights[2].shape);
        Assert.Equal([4096, 256], weights[4].shape);
        Assert.Equal([256, 10], weights[6].shape);
        Assert.Equal(["conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias", "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"],
            model.Weights.Select(w => w.Path));
    }

    [Fact]
    public void Set_weights_in_kerass_layout_gives_the_convolution_keras_computes()
    {
        // One 2x2 kernel, 1 input and 2 output channels: Keras layout (kh, kw, in, out).
        var conv = new Conv2D(2, 2, name: "c");
        conv.Apply(zeros(1, 2, 2, 1));
        var kernel = np.array(new float[] { 1, 10, 2, 20, 3, 30, 4, 40 }).reshape(2, 2, 1, 2);
        conv.SetWeights([kernel, np.array(new float[] { 0.5f, -0.5f })]);
        using var x = tensor(new float[] { 1, 2, 3, 4 }, [1, 2, 2, 1]);
        using var y = conv.Apply(x);
        // out0 = 1*1 + 2*2 + 3*3 + 4*4 + 0.5 = 30.5; out1 = 10x that - 0.5 = 299.5
        Assert.Equal([1L, 1, 1, 2], y.shape);
        Assert.Equal(30.5f, y[0, 0, 0, 0].item<float>());
        Assert.Equal(299.5f, y[0, 0, 0, 1].item<float>());
        var back = conv.GetWeights()[0];
        Assert.Equal(kernel.ToArray<float>(), back.ToArray<float>());
    }

    [Fact]
    public void Set_weights_with_a_wrong_shape_names_the_layer_the_weight_and_both_shapes()
    {
        var dense = new Dense(3, name: "head");
        dense.Apply(zeros(1, 4));
        var e = Assert.Throws<ArgumentException>(() => dense.SetWeights([np.zeros(new Shape(3, 4), NPTypeCode.Single), np.zeros(new Shape(3), NPTypeCode.Single)]));
        Assert.Contains("\"head\"", e.Message);
        Assert.Contains("\"kernel\"", e.Message);
        Assert.Contains("(4, 3)", e.Message);
        Assert.Contains("(3, 4)", e.Message);
        var count = Assert.Throws<ArgumentException>(() => dense.SetWeights([np.zeros(new Shape(4, 3), NPTypeCode.Single)]));
        Assert.Contains("expecting 2 weights", count.Message);
    }

    [Fact]
    public void Variable_assign_add_and_sub_work_in_kerass_layout()
    {
        var dense = new Dense(2);
        dense.Apply(zeros(1, 3));
        var kernel = dense.Kernel!;
        kernel.Assign(np.arange(6).astype(np.float32).reshape(3, 2));
        using var ones_ = ones(3, 2);
        kernel.AssignAdd(ones_);
        kernel.AssignSub(ones_ * 2);
        Assert.Equal(new float[] { -1, 0, 1, 2, 3, 4 }, kernel.Numpy().ToArray<float>());
        using var y = dense.Apply(tensor(new float[] { 1, 0, 0 }, [1, 3]));
        Assert.Equal(new float[] { -1, 0 }, y.data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => kernel.Assign(zeros(2, 3)));
    }

    [Fact]
    public void A_frozen_layer_is_unchanged_by_fit_and_counted_as_non_trainable()
    {
        var (x, y) = TinyData.Blocks(40, seed: 5);
        using var model = TinyData.SmallCnn();
        var conv = model.Layers[0];
        conv.Trainable = false;
        var before = conv.GetWeights();
        var denseBefore = model.Layers[^1].GetWeights();
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0);
        Assert.Equal(before[0].ToArray<float>(), conv.GetWeights()[0].ToArray<float>());
        Assert.NotEqual(denseBefore[0].ToArray<float>(), model.Layers[^1].GetWeights()[0].ToArray<float>());
        Assert.Equal(2, model.NonTrainableWeights.Count);
        var lines = new List<string>();
        model.Summary(lines.Add);
        Assert.Contains("Non-trainable params: 40", lines);
    }

    [Fact]
    public void Freezing_a_nested_model_freezes_every_layer_inside()
    {
        var baseInput = new Input([4]);
        using var baseModel = new Model(baseInput, new Dense(3).Apply(new Dense(3).Apply(baseInput)));
        var inputs = new Input([4]);
        using var model = new Model(inputs, new Dense(2).Apply(baseModel.Apply(inputs)));
        baseModel.Trainable = false;
        Assert.All(baseModel.Layers, l => Assert.False(l.Trainable));
        Assert.Equal(2, model.TrainableWeights.Count);
        Assert.Equal(4, model.NonTrainableWeights.Count);
    }

    [Fact]
    public void Disposing_a_model_disposes_its_weights()
    {
        var model = TinyData.SmallCnn();
        var weights = model.Weights.ToArray();
        model.Dispose();
        Assert.All(weights, w => Assert.Throws<ObjectDisposedException>(() => w.Value));
    }
}
