using Pipeline.Models.Layers;
using Pipeline.Models.Tests.Architecture;

namespace Pipeline.Models.Tests;

/// <summary>The layers this package started with, and a user-written one, through <see cref="LayerContract"/>, with the output shapes Keras gives.</summary>
public class CoreLayerContractTests
{
    [Fact]
    public void Dense() => LayerContract.Run(() => new Dense(4, activation: "relu"), [[5]], 2, 0, ["units"], expectedOutputShape: [4], checkInputGradient: false);   // relu's kink

    [Fact]
    public void Dense_on_a_sequence_works_on_the_last_axis() => LayerContract.Run(() => new Dense(3, useBias: false), [[6, 5]], 1, 0, ["use_bias"], expectedOutputShape: [6, 3]);

    [Fact]
    public void Conv2D_same() => LayerContract.Run(() => new Conv2D(4, 3, padding: "same", activation: "relu"), [[6, 6, 2]], 2, 0, ["padding"], expectedOutputShape: [6, 6, 4], checkInputGradient: false);

    [Fact]
    public void Conv2D_valid_rectangular_strided() => LayerContract.Run(() => new Conv2D(3, (2, 3), (2, 1)), [[7, 6, 2]], 2, 0, ["strides"], expectedOutputShape: [3, 4, 3]);

    [Fact]
    public void MaxPooling2D() => LayerContract.Run(() => new MaxPooling2D(2, padding: "same"), [[5, 5, 3]], 0, 0, ["pool_size"], expectedOutputShape: [3, 3, 3], checkInputGradient: false);   // piecewise

    [Fact]
    public void Flatten() => LayerContract.Run(() => new Flatten(), [[2, 3, 4]], 0, 0, [], expectedOutputShape: [24]);

    [Fact]
    public void Reshape() => LayerContract.Run(() => new Reshape([3, -1]), [[2, 6]], 0, 0, ["target_shape"], expectedOutputShape: [3, 4]);

    [Fact]
    public void Dropout() => LayerContract.Run(() => new Dropout(0.5), [[8]], 0, 0, ["rate"], expectedOutputShape: [8]);

    [Fact]
    public void Dropout_seeded() => LayerContract.Run(() => new Dropout(0.5, seed: 3), [[8]], 0, 0, ["rate", "seed"], expectedOutputShape: [8]);

    [Fact]
    public void Rescaling() => LayerContract.Run(() => new Rescaling(1 / 255.0, offset: -1), [[4, 4, 3]], 0, 0, ["scale", "offset"], expectedOutputShape: [4, 4, 3]);

    [Fact]
    public void A_user_layer_with_add_weight() => LayerContract.Run(() => new Linear(3), [[4]], 2, 0, [], expectedOutputShape: [3]);
}
