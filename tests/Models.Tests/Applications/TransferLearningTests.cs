using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.ApplicationModels;

/// <summary>
/// The transfer-learning chapter's two promises: a frozen pretrained base does not change while its new head trains
/// (BatchNormalization included: frozen means inference mode, so its moving statistics stay ImageNet's), and
/// fine-tuning changes only the layers unfrozen for it.
/// </summary>
public class TransferLearningTests
{
    static string Notop => RepositoryPaths.Fixture("keras-mobilenet-imagenet-notop", "mobilenet_2_5_224_tf_no_top.h5");

    static Dictionary<string, float[][]> Snapshot(Model model) =>
        model.Layers.Where(l => l.Weights.Count > 0).ToDictionary(l => l.Name, l => l.GetWeights().Select(w => w.ToArray<float>()).ToArray());

    static (Model Model, Model Base) Build()
    {
        // MobileNet has no weights that depend on the image size, so the 224 ImageNet weights load into a 64x64 base.
        var baseModel = Applications.MobileNet(inputShape: [64, 64, 3], alpha: 0.25, includeTop: false, weights: Notop);
        baseModel.Trainable = false;
        var inputs = new Input([64, 64, 3]);
        var x = new Rescaling(1 / 127.5, offset: -1).Apply(inputs);
        x = baseModel.Apply(x);
        x = new GlobalAveragePooling2D().Apply(x);
        var outputs = new Dense(1, activation: "sigmoid", name: "head").Apply(x);
        return (new Model(inputs, outputs), baseModel);
    }

    static void Train(Model model)
    {
        Utils.SetRandomSeed(7);
        using var images = rand(16, 64, 64, 3) * 255;
        using var labels = randint(0, 2, [16, 1]).to_type(ScalarType.Float32);
        model.Fit(images, labels, batchSize: 8, epochs: 2, verbose: 0);
    }

    [Fact]
    public void A_frozen_base_keeps_every_weight_and_batch_norm_statistic_while_the_head_trains()
    {
        var (model, baseModel) = Build();
        using var _ = model;
        Assert.Equal(257, model.TrainableWeights.Sum(w => w.Shape.Aggregate(1L, (a, b) => a * b)));
        Assert.Equal(218_544, model.NonTrainableWeights.Sum(w => w.Shape.Aggregate(1L, (a, b) => a * b)));
        var before = Snapshot(baseModel);
        var head = model.GetLayer("head").GetWeights()[0].ToArray<float>();
        model.Compile(new Optimizers.Adam(learningRate: 1e-2), "binary_crossentropy", ["accuracy"]);

        Train(model);

        Assert.NotEqual(head, model.GetLayer("head").GetWeights()[0].ToArray<float>());
        foreach (var (layer, weights) in Snapshot(baseModel))
            for (int i = 0; i < weights.Length; i++)
                Assert.True(before[layer][i].SequenceEqual(weights[i]), $"{layer} weight {i} changed although the base is frozen");
    }

    [Fact]
    public void Fine_tuning_trains_the_unfrozen_top_blocks_and_leaves_frozen_layers_and_batch_norm_statistics_alone()
    {
        var (model, baseModel) = Build();
        using var _ = model;
        var layers = baseModel.Layers.ToList();
        int fineTuneAt = layers.FindIndex(l => l.Name == "conv_dw_12");
        baseModel.Trainable = true;
        foreach (var layer in layers.Take(fineTuneAt).Concat(layers.OfType<BatchNormalization>())) layer.Trainable = false;
        var before = Snapshot(baseModel);
        model.Compile(new Optimizers.RMSprop(learningRate: 1e-3), "binary_crossentropy", ["accuracy"]);

        Train(model);

        var after = Snapshot(baseModel);
        string[] tuned = ["conv_dw_12", "conv_pw_12", "conv_dw_13", "conv_pw_13"];
        foreach (var layer in tuned) Assert.False(before[layer][0].SequenceEqual(after[layer][0]), $"{layer} did not train");
        foreach (var layer in before.Keys.Except(tuned))
            for (int i = 0; i < before[layer].Length; i++)
                Assert.True(before[layer][i].SequenceEqual(after[layer][i]), $"{layer} weight {i} changed although it is frozen");
    }
}
