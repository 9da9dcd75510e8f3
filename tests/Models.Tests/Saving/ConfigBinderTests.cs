using System.Text.Json.Nodes;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;

namespace Pipeline.Models.Tests.Saving;

public class ConfigBinderTests
{
    static ConfigBinder Binder(IReadOnlyDictionary<string, Type>? custom = null) => new("test.keras", custom);

    [Fact]
    public void Builds_a_layer_from_a_Keras_2_config_by_matching_snake_case_keys_to_constructor_parameters()
    {
        // The dense_1 entry of the DL4J MLP's config.json (Keras 2.0.6), keys Keras writes and we do not take included.
        var serialized = JsonNode.Parse("""
            {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true, "batch_input_shape": [null, 784], "dtype": "float32",
             "units": 512, "activation": "relu", "use_bias": true,
             "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": null}},
             "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null}}
            """)!.AsObject();
        var dense = Assert.IsType<Dense>(Binder().Deserialize(serialized, typeof(Layer), "layer 0"));
        Assert.Equal(512, dense.Units);
        Assert.Equal("relu", dense.Activation);
        Assert.Equal("dense_1", dense.Name);
    }

    [Theory]
    [InlineData("MeanSquaredError")]
    [InlineData("MeanAbsoluteError")]
    public void A_class_name_shared_by_a_loss_and_a_metric_resolves_to_the_kind_asked_for(string className)
    {
        var serialized = JsonNode.Parse($$$"""{"module": "keras.losses", "class_name": "{{{className}}}", "config": {}}""")!.AsObject();
        Assert.IsType<Losses.Loss>(Binder().Deserialize(serialized, typeof(Losses.Loss), "compile_config loss"), exactMatch: false);
        Assert.IsType<Metrics.Metric>(Binder().Deserialize(serialized, typeof(Metrics.Metric), "compile_config metric"), exactMatch: false);
    }

    [Fact]
    public void An_unknown_class_names_the_file_the_place_and_how_to_register_it()
    {
        var serialized = JsonNode.Parse("""{"class_name": "MyLayer", "registered_name": "Custom>MyLayer", "config": {}}""")!.AsObject();
        var e = Assert.Throws<KerasFileException>(() => Binder().Deserialize(serialized, typeof(Layer), "layer 3"));
        Assert.Contains("test.keras", e.Message);
        Assert.Contains("layer 3", e.Message);
        Assert.Contains("Custom>MyLayer", e.Message);
        Assert.Contains("KerasSerializable", e.Message);
    }

    [Fact]
    public void Classes_marked_KerasSerializable_resolve_by_registered_name_and_bind_their_config()
    {
        var serialized = JsonNode.Parse("""{"class_name": "Scaled", "registered_name": "SavingTests>Scaled", "config": {"factor": 2.5, "label_text": "x"}}""")!.AsObject();
        var scaled = Assert.IsType<Scaled>(Binder().Deserialize(serialized, typeof(object), "object"));
        Assert.Equal(2.5, scaled.Factor);
        Assert.Equal("x", scaled.LabelText);
    }

    [Fact]
    public void A_single_axis_where_a_list_of_axes_is_taken_binds_as_a_one_element_list()
    {
        // Keras 3 writes LayerNormalization(axis=-1) as "axis": -1; the constructor takes an array of axes.
        var serialized = JsonNode.Parse("""{"class_name": "LayerNormalization", "config": {"name": "ln", "axis": -1, "epsilon": 1e-06}}""")!.AsObject();
        var norm = Assert.IsType<LayerNormalization>(Binder().Deserialize(serialized, typeof(Layer), "layer 0"));
        Assert.Equal([-1], norm.Axis);
        Assert.Equal(1e-6, norm.Epsilon);
    }

    [Fact]
    public void A_config_value_of_the_wrong_type_is_an_error_naming_the_key()
    {
        var serialized = JsonNode.Parse("""{"class_name": "Dense", "config": {"units": "many"}}""")!.AsObject();
        var e = Assert.Throws<KerasFileException>(() => Binder().Deserialize(serialized, typeof(Layer), "layer 0"));
        Assert.Contains("units", e.Message);
    }

    [KerasSerializable(package: "SavingTests")]
    public sealed class Scaled(double factor, string labelText = "")
    {
        public double Factor { get; } = factor;

        public string LabelText { get; } = labelText;
    }
}
