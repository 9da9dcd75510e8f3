using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>Permute</c>: reorders the sample axes; <c>dims</c> counts from 1 (the batch axis stays first), e.g. (2, 1).</summary>
public sealed class Permute : Layer
{
    readonly int[] _dims;

    /// <summary>Creates the layer.</summary>
    /// <param name="dims">A permutation of 1..rank-1.</param>
    /// <param name="name">Optional layer name.</param>
    public Permute(int[] dims, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (!dims.Order().SequenceEqual(Enumerable.Range(1, dims.Length)))
            throw new ArgumentException($"Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be consecutive and start from 1. Received dims=({string.Join(", ", dims)})", nameof(dims));
        _dims = dims.ToArray();
    }

    /// <summary>The permutation, counting from 1.</summary>
    public IReadOnlyList<int> Dims => _dims;

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != _dims.Length) throw Incompatible($"ndim={_dims.Length + 1}", inputShape);
        return [.. _dims.Select(d => inputShape[d - 1])];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => inputs.permute([0, .. _dims.Select(d => (long)d)]);

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["dims"] = _dims.ToArray();
        return config;
    }
}
