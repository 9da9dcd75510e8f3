using Pipeline.Models.Layers;

namespace Pipeline.Models.Tests;

public class SummaryTests
{
    internal static Sequential TutorialCnn() => new(
    [
        new Input([32, 32, 3]),
        new Conv2D(32, 3, padding: "same", activation: "relu"),
        new MaxPooling2D(2),
        new Conv2D(64, 3, padding: "same", activation: "relu"),
        new MaxPooling2D(2),
        new Reshape([4096]),
        new Dense(256, activation: "relu"),
        new Dense(10, activation: "softmax"),
    ]);

    [Fact]
    public void Summary_of_the_tutorial_cnn_is_keras_table_verbatim()
    {
        using var model = TutorialCnn();
        var lines = new List<string>();
        model.Summary(lines.Add);

        string blank = new(' ', 65);
        var expected = new[]
        {
            "Model: \"sequential\"",
            "_________________________________________________________________",
            " Layer (type)                Output Shape              Param #   ",
            "=================================================================",
            " conv2d (Conv2D)             (None, 32, 32, 32)        896       ",
            blank,
            " max_pooling2d (MaxPooling2D  (None, 16, 16, 32)       0         ",
            " )                                                               ",
            blank,
            " conv2d_1 (Conv2D)           (None, 16, 16, 64)        18496     ",
            blank,
            " max_pooling2d_1 (MaxPooling  (None, 8, 8, 64)         0         ",
            " 2D)                                                             ",
            blank,
            " reshape (Reshape)           (None, 4096)              0         ",
            blank,
            " dense (Dense)               (None, 256)               1048832   ",
            blank,
            " dense_1 (Dense)             (None, 10)                2570      ",
            blank,
            "=================================================================",
            "Total params: 1,070,794",
            "Trainable params: 1,070,794",
            "Non-trainable params: 0",
            "_________________________________________________________________",
        };
        Assert.Equal(string.Join("\n", expected), string.Join("\n", lines));
        Assert.Equal(1_070_794, model.CountParams());
    }

    [Fact]
    public void Layers_are_named_per_model_like_keras()
    {
        using var model = TutorialCnn();
        Assert.Equal(["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "reshape", "dense", "dense_1"], model.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Summary_before_the_model_is_built_says_how_to_build_it()
    {
        using var model = new Sequential([new Dense(3)]);
        var e = Assert.Throws<InvalidOperationException>(() => model.Summary(_ => { }));
        Assert.Contains("not yet been built", e.Message);
    }
}
