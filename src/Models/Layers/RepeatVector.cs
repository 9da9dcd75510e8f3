using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>Keras's <c>RepeatVector</c>: (batch, features) → (batch, n, features).</summary>
public sealed class RepeatVector : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="n">Repetitions, positive.</param>
    /// <param name="name">Optional layer name.</param>
    public RepeatVector(int n, string? name = null) : base(name)
    {
        ConvGeometry.RequirePositive(n, nameof(n), nameof(RepeatVector));
        N = n;
    }

    /// <summary>Repetitions.</summary>
    public int N { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length != 1) throw Incompatible("ndim=2", inputShape);
        return [N, inputShape[0]];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false) => inputs.unsqueeze(1).expand(inputs.shape[0], N, inputs.shape[1]);

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["n"] = N;
        return config;
    }
}
