using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>Lambda</c>: wraps a function of a tensor as a layer without weights, e.g.
/// <c>new Lambda(x => x[.., 0])</c> to take the class token. Its output shape is found by running it once on a zero
/// sample unless <c>outputShape</c> is given.
/// </summary>
public sealed class Lambda : Layer
{
    readonly Func<Tensor, Tensor> _function;
    readonly int[]? _outputShape;

    /// <summary>Creates the layer.</summary>
    /// <param name="function">The computation on a channels-last batch.</param>
    /// <param name="outputShape">The output shape (batch excluded), or null to infer it.</param>
    /// <param name="name">Optional layer name.</param>
    public Lambda(Func<Tensor, Tensor> function, int[]? outputShape = null, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(function);
        _function = function;
        _outputShape = outputShape?.ToArray();
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(IReadOnlyList<int[]> inputShapes) =>
        _outputShape?.ToArray() ?? base.ComputeOutputShape(inputShapes);

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => _function(inputs);

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["function"] = _function.Method.Name;
        config["output_shape"] = _outputShape;
        return config;
    }
}
