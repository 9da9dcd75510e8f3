using System.Text.Json.Nodes;
using Pipeline.Models.Saving;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Saving;

/// <summary>The file layer on its own: Keras's HDF5 and zip layouts read from files Keras wrote, and written back.</summary>
public class KerasFileFormatTests
{
    static string Dl4jWeights => RepositoryPaths.Fixture("keras-h5", "dl4j_mnist_mlp", "mnist_mlp_tf_keras_2_weights.h5");

    static double Sum(Tensor a) => a.data<float>().Sum(v => (double)v);

    [Fact]
    public void Legacy_weights_file_lists_layers_in_model_order_with_their_weights_and_sums()
    {
        using var reader = H5Reader.Open(Dl4jWeights);
        var layers = LegacyH5Weights.Read(reader, "");
        Assert.Equal(["dense_1", "dropout_1", "dense_2", "dropout_2", "dense_3"], layers.Select(l => l.Name));
        Assert.Empty(layers[1].Values);
        Assert.Equal(["dense_1/kernel:0", "dense_1/bias:0"], layers[0].WeightNames);
        Assert.Equal([784L, 512], layers[0].Values[0].Shape);
        Assert.Equal([10L], layers[4].Values[1].Shape);
        // Sums from the fixture's PROVENANCE.
        Assert.Equal(-646.0367, Sum(layers[0].Values[0].Value), 2);
        Assert.Equal(619.1634, Sum(layers[2].Values[0].Value), 2);
        Assert.Equal(-0.020165, Sum(layers[4].Values[1].Value), 4);
    }

    [Fact]
    public void Full_model_h5_has_config_training_config_and_weights_under_model_weights()
    {
        using var reader = H5Reader.Open(RepositoryPaths.Fixture("keras-full-model-h5", "str_ww_ref_model.h5"));
        var config = JsonNode.Parse(reader.StringAttribute(reader.Root, "model_config", "/")!)!;
        Assert.Equal("Functional", (string?)config["class_name"]);
        var training = JsonNode.Parse(reader.StringAttribute(reader.Root, "training_config", "/")!)!;
        Assert.Equal("Custom>Adam", (string?)training["optimizer_config"]!["class_name"]);
        Assert.Equal("2.14.0", reader.StringAttribute(reader.Root, "keras_version", "/"));
        var layers = LegacyH5Weights.Read(reader, "model_weights");
        Assert.Equal(23, layers.Count);
        Assert.Equal(["gamma:0", "beta:0", "moving_mean:0", "moving_variance:0"],
            layers.Single(l => l.Name == "batch_normalization").WeightNames.Select(n => n.Split('/')[^1]));
        // 47,707 parameters in all (PROVENANCE).
        Assert.Equal(47_707, layers.Sum(l => l.Values.Sum(v => v.Shape.Aggregate(1L, (a, d) => a * d))));
    }

    [Fact]
    public void MobileNet_weights_file_has_88_layers_and_137_float32_datasets()
    {
        using var reader = H5Reader.Open(RepositoryPaths.Fixture("keras-mobilenet-catvsdog", "mobilenet025_catvsdog.h5"));
        var layers = LegacyH5Weights.Read(reader, "");
        Assert.Equal(88, layers.Count);
        Assert.Equal(137, layers.Sum(l => l.Values.Count));
        Assert.All(layers.SelectMany(l => l.Values), v => Assert.Equal(ScalarType.Float32, v.Dtype));
        var preds = layers.Single(l => l.Name == "conv_preds");
        Assert.Equal([1L, 1, 256, 2], preds.Values[0].Shape);
        Assert.Equal(-3.846807, Sum(preds.Values[0].Value), 4);
        Assert.Equal(219_058, layers.Sum(l => l.Values.Sum(v => v.Shape.Aggregate(1L, (a, d) => a * d))));
    }

    [Fact]
    public void Keras3_archive_names_weight_groups_by_class_and_counter_not_by_layer_name()
    {
        using var archive = KerasArchive.Open(RepositoryPaths.Fixture("keras3-transformer", "transformer_model.keras"));
        Assert.Equal("3.14.0", (string?)JsonNode.Parse(archive.Metadata!)!["keras_version"]);
        Assert.Equal("Functional", (string?)JsonNode.Parse(archive.Config)!["class_name"]);
        var entries = KerasWeightsFile.Read(archive.Weights!);
        // Config layers dropout_1 and dropout_2 are stored as layers/dropout and layers/dropout_1.
        Assert.Equal("dropout_1", entries["layers/dropout"].Name);
        Assert.Equal("dropout_2", entries["layers/dropout_1"].Name);
        Assert.Empty(entries["layers/dropout"].Values);
        Assert.Equal([1L, 2, 64], entries["layers/multi_head_attention/query_dense"].Values[0].Shape);
        Assert.Equal([2L, 64, 1], entries["layers/multi_head_attention/output_dense"].Values[0].Shape);
        Assert.Equal([1L, 16], entries["layers/dense"].Values[0].Shape);
        var optimizer = entries["optimizer"];
        Assert.Equal(42, optimizer.Values.Count);
        Assert.Equal(ScalarType.Int64, optimizer.Values[0].Dtype);
        Assert.Empty(optimizer.Values[0].Shape);
        Assert.Equal("functional", entries[""].Name);
    }

    [Fact]
    public void Keras3_weights_written_by_us_read_back_with_names_shapes_dtypes_and_values()
    {
        var path = Path.Combine(Path.GetTempPath(), $"saving-format-{Guid.NewGuid():N}.weights.h5");
        try
        {
            using var kernel = arange(6, ScalarType.Float32).reshape(2, 3);
            using var bias = tensor(new float[] { 1, 2, 3 });
            using var iterations = tensor(7L);
            using var learningRate = tensor(0.001f);
            var writer = new H5Writer();
            KerasWeightsFile.Write(writer,
            [
                new SavedEntry("layers/dense", "dense", [HostValue.Ready(kernel), HostValue.Ready(bias)]),
                new SavedEntry("layers/dropout", "dropout", []),
                new SavedEntry("optimizer", "adam", [HostValue.Ready(iterations), HostValue.Ready(learningRate)]),
                new SavedEntry("", "sequential", []),
            ]);
            FilePublisher.Write(path, writer.WriteTo);
            using var reader = H5Reader.Open(path);
            var entries = KerasWeightsFile.Read(reader);
            Assert.Equal(["", "layers/dense", "layers/dropout", "optimizer"], entries.Keys.Order());
            Assert.Equal(kernel.data<float>().ToArray(), entries["layers/dense"].Values[0].Value.data<float>().ToArray());
            Assert.Equal([2L, 3], entries["layers/dense"].Values[0].Shape);
            Assert.Equal(7L, entries["optimizer"].Values[0].Value.item<long>());
            Assert.Equal(ScalarType.Int64, entries["optimizer"].Values[0].Dtype);
            Assert.Equal("dropout", entries["layers/dropout"].Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Legacy_weights_written_by_us_read_back_in_order_with_nested_weight_names()
    {
        var path = Path.Combine(Path.GetTempPath(), $"saving-legacy-{Guid.NewGuid():N}.h5");
        using var kernel = ones(4, 2);
        using var bias = zeros(2);
        try
        {
            var writer = new H5Writer();
            LegacyH5Weights.Write(writer, "",
            [
                new LegacyH5Weights.SavedLayer("dense_1", ["dense_1/kernel:0", "dense_1/bias:0"], [HostValue.Ready(kernel), HostValue.Ready(bias)]),
                new LegacyH5Weights.SavedLayer("dropout_1", [], []),
            ], KerasFormat.KerasVersion);
            FilePublisher.Write(path, writer.WriteTo);
            using var reader = H5Reader.Open(path);
            var layers = LegacyH5Weights.Read(reader, "");
            Assert.Equal(["dense_1", "dropout_1"], layers.Select(l => l.Name));
            Assert.Equal([4L, 2], layers[0].Values[0].Shape);
            Assert.Empty(layers[1].WeightNames);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
