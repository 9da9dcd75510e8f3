using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

public class SubclassingTests
{
    /// <summary>Weights reached through a list, a dictionary and a nested block.</summary>
    sealed class Block : Layer
    {
        readonly List<Dense> _stack = [new Dense(4), new Dense(4)];
        readonly Dictionary<string, Layer> _heads = new() { ["a"] = new Dense(2), ["b"] = new Linear(3) };

        public override Tensor Call(Tensor inputs, bool training = false)
        {
            var x = _stack.Aggregate(inputs, (h, d) => d.Apply(h));
            return _heads["a"].Apply(x) + _heads["b"].Apply(x).narrow(1, 0, 2);
        }
    }

    sealed class Nested : Model
    {
        readonly Block _block = new();
        readonly Dense _out = new(1);

        public override Tensor Call(Tensor inputs, bool training = false) => _out.Apply(_block.Apply(inputs));
    }

    [Fact]
    public void The_tutorial_cnn_as_a_subclassed_model_has_kerass_parameter_count()
    {
        using var model = new SubclassedCnn();
        Assert.False(model.Built);
        model.Build([32, 32, 3]);
        Assert.True(model.Built);
        Assert.Equal(1_070_794, model.CountParams());
        Assert.Equal(7, model.Layers.Count);
        Assert.Equal(["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dense", "dense_1"], model.Layers.Select(l => l.Name));
        Assert.Equal("subclassed_cnn", model.Name);
    }

    [Fact]
    public void Summary_of_an_unbuilt_subclassed_model_says_what_keras_says()
    {
        using var model = new SubclassedCnn();
        var e = Assert.Throws<InvalidOperationException>(() => model.Summary(_ => { }));
        Assert.Contains("This model has not yet been built".ToLowerInvariant(), e.Message.ToLowerInvariant());
        Assert.Contains("Build(inputShape)", e.Message);
    }

    [Fact]
    public void Summary_of_a_built_subclassed_model_lists_its_layers_with_multiple_shapes_as_keras_does()
    {
        using var model = new SubclassedCnn();
        model.Build([32, 32, 3]);
        var lines = new List<string>();
        model.Summary(lines.Add);
        Assert.Equal("Model: \"subclassed_cnn\"", lines[0]);
        Assert.Equal(" conv2d (Conv2D)             multiple                  896       ", lines[4]);
        Assert.Equal("Total params: 1,070,794", lines[^4]);
    }

    [Fact]
    public void Weights_are_tracked_through_lists_dictionaries_and_nested_layers()
    {
        using var model = new Nested();
        model.Build([3]);
        // block: dense 3->4 (16), dense 4->4 (20), heads a 4->2 (10), b 4->3 (15); out 2->1 (3)
        Assert.Equal(16 + 20 + 10 + 15 + 3, model.CountParams());
        Assert.Equal(10, model.TrainableWeights.Count);
        Assert.Equal(["block", "dense_3"], model.Layers.Select(l => l.Name));
        Assert.Equal(["dense", "dense_1", "dense_2", "linear"], model.Layers[0].Layers.Select(l => l.Name));
        Assert.Equal(4, model.Layers[0].Layers.Count);
        Assert.Equal(6, model.Submodules.Count);
        Assert.Equal(model.Weights.Count, model.Weights.Select(w => w.Path).Distinct().Count());
    }

    [Fact]
    public void A_subclassed_model_trains_evaluates_and_predicts()
    {
        var (x, y) = TinyData.Blocks(60, seed: 4);
        using var model = new SmallNet();
        model.Compile(new Optimizers.Adam(learningRate: 0.02), "sparse_categorical_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, batchSize: 10, epochs: 15, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.5);
        Assert.True(model.Evaluate(x, y, verbose: 0)["accuracy"] > 0.9);
        Assert.Equal(60, model.Predict(x, verbose: 0).shape[0]);
    }

    sealed class SmallNet : Model
    {
        readonly Conv2D _conv = new(4, 3, padding: "same", activation: "relu");
        readonly MaxPooling2D _pool = new(2);
        readonly Flatten _flatten = new();
        readonly Dense _out = new(3, activation: "softmax");

        public override Tensor Call(Tensor inputs, bool training = false) => _out.Apply(_flatten.Apply(_pool.Apply(_conv.Apply(inputs))));
    }

    [Fact]
    public void A_user_layer_with_add_weight_works_eagerly_and_in_the_functional_api()
    {
        var linear = new Linear(3, name: "linear");
        using var x = randn(5, 4);
        using var y = linear.Apply(x);
        Assert.Equal([5L, 3], y.shape);
        Assert.Equal(["w", "b"], linear.Weights.Select(w => w.Name));
        Assert.Equal("linear/w", linear.W!.Path);
        Assert.Equal([4L, 3], linear.W.Shape);
        using var expected = x.matmul(linear.W.Value) + linear.B!.Value;
        Assert.True(y.allclose(expected));

        var inputs = new Input([4]);
        var model = new Model(inputs, new Linear(2).Apply(inputs));
        Assert.Equal([2], model.OutputShape);   // inferred by running the layer once, no shape code in Linear
        model.Dispose();
    }

    /// <summary>A functional model subclassed to change its call (Keras's <c>def call(self, x): return super().call(x) * 2</c>).</summary>
    sealed class Doubled(KerasTensor inputs, KerasTensor outputs) : Model(inputs, outputs)
    {
        public override Tensor Call(Tensor inputs, bool training = false) => base.Call(inputs, training).mul(2);
    }

    [Fact]
    public void A_subclass_of_a_functional_model_runs_its_own_call_in_predict_and_fit()
    {
        using var scope = NewDisposeScope();
        var input = new Input([3]);
        using var model = new Doubled(input, new Dense(2, kernelInitializer: "ones", name: "d").Apply(input));
        var x = tensor(new float[,] { { 1, 2, 3 }, { 0, 1, 0 } });

        // The graph alone gives the row sums (6, 6) and (1, 1); the subclass doubles them.
        var expected = tensor(new float[,] { { 12, 12 }, { 2, 2 } });
        Assert.True(model.Apply(x).eq(expected).all().item<bool>(), "Apply must run the subclass's Call");
        Assert.Equal([12f, 12f, 2f, 2f], model.Predict(x, verbose: 0).ToArray<float>());

        // Fit and TestOnBatch score the doubled output: labels equal to it give a zero loss, the graph's own output would not.
        model.Compile("sgd", "mse");
        Assert.Equal(0, model.TestOnBatch(x, expected)["loss"], 6);
        var history = model.Fit(x, expected, batchSize: 2, epochs: 1, verbose: 0);
        Assert.Equal(0, history["loss"][0], 6);
    }
}
