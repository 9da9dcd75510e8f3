using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's default initialisers: glorot_uniform kernels, zero biases.</summary>
internal static class Initializers
{
    /// <summary>Fills <paramref name="kernel"/> from U(-l, l), l = sqrt(6 / (fanIn + fanOut)), and wraps it as a parameter.</summary>
    internal static TorchSharp.Modules.Parameter GlorotUniform(Tensor kernel, long fanIn, long fanOut)
    {
        var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        using (no_grad()) kernel.uniform_(-limit, limit);
        return Owned(new TorchSharp.Modules.Parameter(kernel, requires_grad: true));
    }

    internal static TorchSharp.Modules.Parameter Zeros(long size, Device device) =>
        Owned(new(zeros(size, dtype: ScalarType.Float32, device: device), requires_grad: true));

    // Weights live as long as their model, even when it is built inside a caller's dispose scope.
    static TorchSharp.Modules.Parameter Owned(TorchSharp.Modules.Parameter parameter)
    {
        parameter.DetachFromDisposeScope();
        return parameter;
    }
}
