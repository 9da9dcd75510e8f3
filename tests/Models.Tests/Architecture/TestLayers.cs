using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests.Architecture;

/// <summary>A user-written merge layer: the list overload of Call, no weights.</summary>
internal sealed class AddTwo(string? name = null) : Layer(name)
{
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes) => inputShapes[0];

    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false) => inputs[0] + inputs[1];
}

/// <summary>A user-written layer with weights, Keras's guide example: y = x w + b.</summary>
internal sealed class Linear(int units, string? name = null) : Layer(name)
{
    public Variable? W { get; private set; }
    public Variable? B { get; private set; }

    public int Units { get; } = units;

    public override void Build(int[] inputShape)
    {
        W = AddWeight("w", [inputShape[^1], Units], initializer: "glorot_uniform");
        B = AddWeight("b", [Units], initializer: "zeros");
    }

    public override Tensor Call(Tensor inputs, bool training = false) => inputs.matmul(W!) + B!;

    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["units"] = Units;
        return config;
    }
}
