using Pipeline.Models.Layers;
using Pipeline.Models.Tests.Architecture;

namespace Pipeline.Models.Tests.Contracts;

/// <summary>The layers this package started with, and a user-written one, through the contract.</summary>
public class CoreLayerContractTests
{
    [Fact]
    public void Dense() => RunLayerTest.Run(() => new Dense(4, activation: "relu"), [[5]], [4], trainableWeights: 2);

    [Fact]
    public void Dense_on_a_sequence_works_on_the_last_axis() => RunLayerTest.Run(() => new Dense(3, useBias: false), [[6, 5]], [6, 3], trainableWeights: 1);

    [Fact]
    public void Conv2D_same() => RunLayerTest.Run(() => new Conv2D(4, 3, padding: "same", activation: "relu"), [[6, 6, 2]], [6, 6, 4], trainableWeights: 2);

    [Fact]
    public void Conv2D_valid_rectangular_strided() => RunLayerTest.Run(() => new Conv2D(3, (2, 3), (2, 1)), [[7, 6, 2]], [3, 4, 3], trainableWeights: 2);

    [Fact]
    public void MaxPooling2D() => RunLayerTest.Run(() => new MaxPooling2D(2, padding: "same"), [[5, 5, 3]], [3, 3, 3]);

    [Fact]
    public void Flatten() => RunLayerTest.Run(() => new Flatten(), [[2, 3, 4]], [24]);

    [Fact]
    public void Reshape() => RunLayerTest.Run(() => new Reshape([3, -1]), [[2, 6]], [3, 4]);

    [Fact]
    public void Dropout() => RunLayerTest.Run(() => new Dropout(0.5), [[8]], [8], randomInTraining: true);

    [Fact]
    public void Rescaling() => RunLayerTest.Run(() => new Rescaling(1 / 255.0, offset: -1), [[4, 4, 3]], [4, 4, 3]);

    [Fact]
    public void A_user_layer_with_add_weight() => RunLayerTest.Run(() => new Linear(3), [[4]], [3], trainableWeights: 2);
}
