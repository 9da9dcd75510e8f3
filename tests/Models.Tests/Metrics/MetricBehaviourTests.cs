using Pipeline.Models.Losses;
using Pipeline.Models.Metrics;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

public class MetricBehaviourTests
{
    static Tensor Probabilities() => tensor(new float[,]
    {
        { 0.1f, 0.7f, 0.2f },   // argmax 1, top-2 {1, 2}
        { 0.5f, 0.3f, 0.2f },   // argmax 0, top-2 {0, 1}
        { 0.2f, 0.2f, 0.6f },   // argmax 2, top-2 {2, 0 or 1}
        { 0.3f, 0.4f, 0.3f },   // argmax 1, top-2 {1, 0 or 2}
    });

    [Fact]
    public void Sparse_categorical_accuracy_accumulates_a_weighted_mean_over_batches()
    {
        using var scope = NewDisposeScope();
        var m = new SparseCategoricalAccuracy();
        m.UpdateState(tensor(new long[] { 1, 1 }), Probabilities()[..2]);           // hit, miss
        m.UpdateState(tensor(new long[] { 2, 0 }).reshape(2, 1), Probabilities()[2..]); // hit, miss; (n, 1) labels
        Assert.Equal(0.5, m.Result(), 10);
        m.UpdateState(tensor(new long[] { 1 }), Probabilities()[..1], sampleWeight: tensor(new[] { 4f }));
        Assert.Equal((2 + 4) / 8.0, m.Result(), 10);
        m.ResetState();
        Assert.Equal(0, m.Result());
    }

    [Fact]
    public void Categorical_top_k_and_binary_accuracies_follow_keras()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 2, 1, 2, 0 });
        var oneHot = nn.functional.one_hot(labels, 3).to_type(ScalarType.Float32);
        var categorical = new CategoricalAccuracy();
        categorical.UpdateState(oneHot, Probabilities());
        Assert.Equal(0.25, categorical.Result(), 10);

        var top2 = new SparseTopKCategoricalAccuracy(k: 2);
        top2.UpdateState(labels, Probabilities());
        var top2OneHot = new TopKCategoricalAccuracy(k: 2);
        top2OneHot.UpdateState(oneHot, Probabilities());
        // Row 0: 2 in {1, 2}; row 1: 1 in {0, 1}; row 2: 2 in top-2; row 3: 0 is tied with 2 for second place.
        Assert.InRange(top2.Result(), 0.75, 1.0);
        Assert.Equal(top2.Result(), top2OneHot.Result(), 10);

        var binary = new BinaryAccuracy();
        binary.UpdateState(tensor(new[] { 1f, 0f, 1f, 0f }), tensor(new[] { 0.9f, 0.6f, 0.4f, 0.1f }).reshape(4, 1));
        Assert.Equal(0.5, binary.Result(), 10);
        var strict = new BinaryAccuracy(threshold: 0.95);
        strict.UpdateState(tensor(new[] { 1f, 0f }), tensor(new[] { 0.9f, 0.6f }));
        Assert.Equal(0.5, strict.Result(), 10);
    }

    [Fact]
    public void Mean_averages_values_with_weights_and_refuses_label_prediction_pairs()
    {
        using var scope = NewDisposeScope();
        var mean = new Mean();
        mean.UpdateState(tensor(new[] { 1f, 3f }));
        mean.UpdateState(tensor(new[] { 10f }), sampleWeight: tensor(new[] { 2f }));
        Assert.Equal((1 + 3 + 20) / 4.0, mean.Result(), 10);
        mean.UpdateState(2.0);
        Assert.Equal(26 / 5.0, mean.Result(), 10);
        Assert.Throws<NotSupportedException>(() => ((Metric)mean).UpdateState(zeros(1), zeros(1)));

        var sum = new Sum();
        sum.UpdateState(tensor(new[] { 1f, 2f }), tensor(new[] { 3f, 0.5f }));
        Assert.Equal(4, sum.Result(), 10);
    }

    [Fact]
    public void Sparse_labels_given_to_categorical_accuracy_name_the_metric_and_the_shapes()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => new CategoricalAccuracy().UpdateState(tensor(new long[] { 1, 0, 2, 1 }), Probabilities()));
        Assert.Contains("categorical_accuracy", e.Message);
        Assert.Contains("(4)", e.Message);
        Assert.Contains("(4, 3)", e.Message);
        Assert.Contains("sparse_categorical_accuracy", e.Message);
    }

    [Fact]
    public void Compile_names_resolve_accuracy_from_the_loss_and_keep_the_spelling()
    {
        Assert.IsType<SparseCategoricalAccuracy>(Metric.ForCompile("accuracy", new SparseCategoricalCrossentropy()));
        Assert.IsType<CategoricalAccuracy>(Metric.ForCompile("acc", new CategoricalCrossentropy()));
        Assert.IsType<BinaryAccuracy>(Metric.ForCompile("accuracy", new BinaryCrossentropy()));
        Assert.Equal("acc", Metric.ForCompile("acc", new CategoricalCrossentropy()).Name);
        var auc = Metric.ForCompile("AUC", new BinaryCrossentropy());
        Assert.IsType<AUC>(auc);
        Assert.Equal("AUC", auc.Name);
        var e = Assert.Throws<ArgumentException>(() => Metric.Get("acuracy"));
        Assert.Equal("metrics", e.ParamName);
        Assert.Contains("sparse_top_k_categorical_accuracy", e.Message);
    }

    [Fact]
    public void Compile_reports_metric_objects_by_name_during_fit()
    {
        var (x, y) = TinyData.Blocks(24, seed: 2);
        using var model = TinyData.SmallCnn();
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy", "sparse_top_k_categorical_accuracy"]);
        var history = model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0);
        Assert.InRange(history["accuracy"][0], 0, 1);
        // k = 5 covers all three classes, so every prediction counts.
        Assert.Equal(1.0, history["sparse_top_k_categorical_accuracy"][0], 10);
    }
}
