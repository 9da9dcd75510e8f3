using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

/// <summary>
/// The functional model and data the several-inputs-and-outputs specifications share: inputs a (4 features) and b
/// (3 features); outputs "sum" = Σa − Σb (regression) and "larger" = [a₀ > b₀] (two classes).
/// </summary>
internal static class TwoInputTwoOutput
{
    /// <summary>The uncompiled model; its initial weights come from libtorch's global generator.</summary>
    public static Model Build()
    {
        var a = new Input([4], name: "a");
        var b = new Input([3], name: "b");
        var both = new Concatenate().Apply([a, b]);
        var sum = new Dense(1, name: "sum").Apply(both);
        var hidden = new Dense(16, activation: "relu").Apply(both);
        var larger = new Dense(2, activation: "softmax", name: "larger").Apply(hidden);
        return new Model([a, b], [sum, larger]);
    }

    /// <summary><paramref name="samples"/> rows of inputs and both targets, fully determined by <paramref name="seed"/>.</summary>
    public static (Tensor A, Tensor B, Tensor Sum, Tensor Larger) Data(int samples, int seed)
    {
        using var generator = new Generator((ulong)seed);
        var a = randn([samples, 4], generator: generator);
        var b = randn([samples, 3], generator: generator);
        var sum = (a.sum(1) - b.sum(1)).unsqueeze(1);
        var larger = a[TensorIndex.Colon, 0].gt(b[TensorIndex.Colon, 0]).to_type(ScalarType.Int64);
        return (a, b, sum, larger);
    }
}
