using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>All ones (Keras's <c>Ones</c>, e.g. BatchNormalization's gamma).</summary>
public sealed class Ones : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) => ones(shape, dtype, device);
}
