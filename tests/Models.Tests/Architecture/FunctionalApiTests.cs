using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

public class FunctionalApiTests
{
    internal static Model TutorialCnn()
    {
        var inputs = new Input([32, 32, 3]);
        var x = new Conv2D(32, 3, padding: "same", activation: "relu").Apply(inputs);
        x = new MaxPooling2D(2).Apply(x);
        x = new Conv2D(64, 3, padding: "same", activation: "relu").Apply(x);
        x = new MaxPooling2D(2).Apply(x);
        x = new Flatten().Apply(x);
        x = new Dense(256, activation: "relu").Apply(x);
        var outputs = new Dense(10, activation: "softmax").Apply(x);
        return new Model(inputs, outputs);
    }

    [Fact]
    public void The_tutorial_cnn_built_functionally_has_kerass_parameter_count_and_shapes()
    {
        using var model = TutorialCnn();
        Assert.True(model.Built);
        Assert.Equal(1_070_794, model.CountParams());
        Assert.Equal([32, 32, 3], model.InputShape);
        Assert.Equal([10], model.OutputShape);
        Assert.Equal(["input_1", "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dense", "dense_1"], model.Layers.Select(l => l.Name));
        Assert.Equal([16, 16, 64], model.GetLayer("conv2d_1").OutputShape);
    }

    [Fact]
    public void A_chain_prints_kerass_plain_table_with_the_input_layer()
    {
        var inputs = new Input([8]);
        using var model = new Model(inputs, new Dense(2).Apply(new Dense(4, activation: "relu").Apply(inputs)), name: "chain");
        var lines = new List<string>();
        model.Summary(lines.Add);
        Assert.Equal(" input_1 (InputLayer)        [(None, 8)]               0         ", lines[4]);
        Assert.Equal(" dense (Dense)               (None, 4)                 36        ", lines[6]);
        Assert.Equal("Total params: 46", lines[^4]);
    }

    [Fact]
    public void A_residual_block_has_the_connected_to_column_and_runs_like_its_parts()
    {
        var inputs = new Input([8, 8, 4]);
        var conv1 = new Conv2D(4, 3, padding: "same", activation: "relu");
        var conv2 = new Conv2D(4, 3, padding: "same");
        var add = new AddTwo();
        var y = add.Apply([inputs, conv2.Apply(conv1.Apply(inputs))]);
        using var model = new Model(inputs, y, name: "residual");

        var lines = new List<string>();
        model.Summary(lines.Add);
        string blank = new(' ', 98);
        Assert.Equal(
        [
            "Model: \"residual\"",
            new string('_', 98),
            " Layer (type)                   Output Shape         Param #     Connected to                     ",
            new string('=', 98),
            " input_1 (InputLayer)           [(None, 8, 8, 4)]    0           []                               ",
            blank,
            " conv2d (Conv2D)                (None, 8, 8, 4)      148         ['input_1[0][0]']                ",
            blank,
            " conv2d_1 (Conv2D)              (None, 8, 8, 4)      148         ['conv2d[0][0]']                 ",
            blank,
            " add_two (AddTwo)               (None, 8, 8, 4)      0           ['input_1[0][0]',                ",
            "                                                                  'conv2d_1[0][0]']               ",
            blank,
            new string('=', 98),
            "Total params: 296",
            "Trainable params: 296",
            "Non-trainable params: 0",
            new string('_', 98),
        ], lines);

        using var x = randn(2, 8, 8, 4);
        using var expected = x + conv2.Apply(conv1.Apply(x));
        using var actual = model.Apply(x);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void A_shared_layer_has_one_set_of_weights_and_two_nodes()
    {
        var a = new Input([5], name: "a");
        var b = new Input([5], name: "b");
        var shared = new Dense(3, name: "shared");
        var sum = new AddTwo().Apply([shared.Apply(a), shared.Apply(b)]);
        using var model = new Model([a, b], [sum]);
        Assert.Equal(2, shared.InboundNodes.Count);
        Assert.Equal(18, model.CountParams());
        Assert.Equal(2, model.Weights.Count);

        using var xa = randn(4, 5);
        using var xb = randn(4, 5);
        using var expected = shared.Apply(xa) + shared.Apply(xb);
        using var actual = model.Apply([xa, xb]);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.Throws<InvalidOperationException>(() => shared.Output);
    }

    [Fact]
    public void Several_outputs_come_back_in_order_from_apply_many()
    {
        var inputs = new Input([6]);
        var hidden = new Dense(4, activation: "relu").Apply(inputs);
        var first = new Dense(2, name: "first").Apply(hidden);
        var second = new Dense(3, name: "second").Apply(hidden);
        using var model = new Model([inputs], [first, second]);
        using var x = randn(7, 6);
        var outputs = model.ApplyMany([x]);
        Assert.Equal([7L, 2], outputs[0].shape);
        Assert.Equal([7L, 3], outputs[1].shape);
        Assert.Throws<InvalidOperationException>(() => model.Apply(x));
    }

    [Fact]
    public void A_model_is_a_layer_in_another_model_and_shares_its_weights()
    {
        var innerInput = new Input([4]);
        using var inner = new Model(innerInput, new Dense(2, name: "inner_dense").Apply(innerInput), name: "inner");
        var outerInput = new Input([4]);
        var outputs = new Dense(1, name: "head").Apply(inner.Apply(outerInput));
        using var outer = new Model(outerInput, outputs, name: "outer");
        Assert.Same(inner, outer.GetLayer("inner"));
        Assert.Equal(10 + 3, outer.CountParams());
        using var x = randn(3, 4);
        using var expected = ((Dense)outer.GetLayer("head")).Apply(inner.Apply(x));
        using var actual = outer.Apply(x);
        Assert.True(actual.allclose(expected));
    }

    [Fact]
    public void A_feature_extractor_over_an_inner_layers_output_reuses_the_trained_layers()
    {
        using var model = TutorialCnn();
        using var features = new Model(model.Inputs, model.GetLayer("max_pooling2d_1").Output);
        Assert.Equal([8, 8, 64], features.OutputShape);
        Assert.Equal(896 + 18_496, features.CountParams());
        using var x = rand(2, 32, 32, 3);
        using var direct = model.GetLayer("max_pooling2d_1").Apply(model.GetLayer("conv2d_1").Apply(model.GetLayer("max_pooling2d").Apply(model.GetLayer("conv2d").Apply(x))));
        using var extracted = features.Apply(x);
        Assert.True(extracted.allclose(direct));
    }

    [Fact]
    public void A_shape_mismatch_names_the_layer_and_both_shapes()
    {
        var inputs = new Input([10]);
        var dense = new Dense(3, name: "head");
        dense.Apply(new Dense(8).Apply(inputs));
        var e = Assert.Throws<ArgumentException>(() => dense.Apply(new Dense(5).Apply(inputs)));
        Assert.Contains("layer \"head\"", e.Message);
        Assert.Contains("value 8", e.Message);
        Assert.Contains("(None, 5)", e.Message);

        var images = new Input([28, 28, 1]);
        var conv = new Conv2D(4, 3, name: "conv");
        conv.Apply(new Input([28, 28, 3]));
        var e2 = Assert.Throws<ArgumentException>(() => conv.Apply(images));
        Assert.Contains("layer \"conv\"", e2.Message);
        Assert.Contains("value 3", e2.Message);
        Assert.Contains("(None, 28, 28, 1)", e2.Message);
    }

    [Fact]
    public void Outputs_not_computed_from_the_inputs_are_a_disconnected_graph()
    {
        var used = new Input([3]);
        var other = new Input([3]);
        var e = Assert.Throws<ArgumentException>(() => new Model(used, new Dense(2).Apply(other)));
        Assert.Contains("Graph disconnected", e.Message);
    }

    [Fact]
    public void Get_layer_with_an_unknown_name_lists_the_names()
    {
        using var model = TutorialCnn();
        var e = Assert.Throws<ArgumentException>(() => model.GetLayer("block3_pool"));
        Assert.Contains("'conv2d_1'", e.Message);
    }

    [Fact]
    public void A_functional_model_trains_with_fit_like_sequential()
    {
        var (x, y) = TinyData.Blocks(60, seed: 3);
        var inputs = new Input([8, 8, 1]);
        var h = new Conv2D(4, 3, padding: "same", activation: "relu").Apply(inputs);
        h = new MaxPooling2D(2).Apply(h);
        h = new Flatten().Apply(h);
        using var model = new Model(inputs, new Dense(3, activation: "softmax").Apply(h));
        model.Compile(new Optimizers.Adam(learningRate: 0.02), "sparse_categorical_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, batchSize: 10, epochs: 15, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.5, $"loss {history["loss"][0]} -> {history["loss"][^1]}");
        Assert.True(model.Evaluate(x, y, verbose: 0)["accuracy"] > 0.9);
        using var p = model.Predict(x, verbose: 0).ToTensor();
        Assert.Equal([60L, 3], p.shape);
    }
}
