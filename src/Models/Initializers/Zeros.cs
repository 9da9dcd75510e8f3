using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>All zeros (Keras's <c>Zeros</c>, the default bias initializer).</summary>
public sealed class Zeros : Initializer
{
    /// <inheritdoc />
    public override Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null) => zeros(shape, dtype, device);
}
