using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Flattens each sample to one dimension in channels-last order, as Keras does (<c>layers.Flatten</c>).</summary>
public sealed class Flatten : Layer
{
    /// <summary>Creates a flatten layer.</summary>
    /// <param name="name">Optional layer name.</param>
    public Flatten(string? name = null) : base(name) { }

    internal override int[] ComputeOutputShapeAndBuild(int[] inputShape, BuildContext context) =>
        [inputShape.Aggregate(1, (a, b) => checked(a * b))];

    internal override Tensor Call(Tensor x, bool training) => x.reshape(x.shape[0], -1);
}
