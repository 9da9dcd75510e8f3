using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>LayerNormalization</c> (epsilon 1e-3): each sample normalised over its last axis (or last axes), then
/// scaled by gamma and shifted by beta, which have the normalised axes' shape.
/// </summary>
public sealed class LayerNormalization : Layer
{
    Variable? _gamma, _beta;
    long[] _normalized = [];

    /// <summary>Creates the layer.</summary>
    /// <param name="axis">The normalised axes, counting the batch as 0; trailing axes only (e.g. -1, or [-2, -1]).</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="center">Learn an offset beta.</param>
    /// <param name="scale">Learn a factor gamma.</param>
    /// <param name="betaInitializer">zeros by default.</param>
    /// <param name="gammaInitializer">ones by default.</param>
    /// <param name="betaRegularizer">Penalty on beta, or null.</param>
    /// <param name="gammaRegularizer">Penalty on gamma, or null.</param>
    /// <param name="name">Optional layer name.</param>
    public LayerNormalization(int[]? axis = null, double epsilon = 1e-3, bool center = true, bool scale = true, Initializer? betaInitializer = null,
        Initializer? gammaInitializer = null, Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null, string? name = null)
        : base(name)
    {
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "LayerNormalization: epsilon must be positive.");
        Axis = axis?.ToArray() ?? [-1];
        (Epsilon, Center, Scale) = (epsilon, center, scale);
        BetaInitializer = betaInitializer ?? new Zeros();
        GammaInitializer = gammaInitializer ?? new Ones();
        (BetaRegularizer, GammaRegularizer) = (betaRegularizer, gammaRegularizer);
    }

    /// <summary>The normalised axes.</summary>
    public IReadOnlyList<int> Axis { get; }

    /// <summary>Added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>Whether beta is learned.</summary>
    public bool Center { get; }

    /// <summary>Whether gamma is learned.</summary>
    public bool Scale { get; }

    /// <summary>beta's initializer.</summary>
    public Initializer BetaInitializer { get; }

    /// <summary>gamma's initializer.</summary>
    public Initializer GammaInitializer { get; }

    /// <summary>Penalty on beta, or null.</summary>
    public Regularizer? BetaRegularizer { get; }

    /// <summary>Penalty on gamma, or null.</summary>
    public Regularizer? GammaRegularizer { get; }

    /// <inheritdoc />
    public override void Build(int[] inputShape)
    {
        _normalized = NormalizedShape(inputShape);
        _gamma = Scale ? AddWeight("gamma", _normalized, GammaInitializer, trainable: true, GammaRegularizer) : null;
        _beta = Center ? AddWeight("beta", _normalized, BetaInitializer, trainable: true, BetaRegularizer) : null;
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        NormalizedShape(inputShape);
        return inputShape;
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return nn.functional.layer_norm(inputs, _normalized, _gamma?.Storage, _beta?.Storage, Epsilon);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis.Count == 1 ? Axis[0] : Axis.ToArray();
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["beta_initializer"] = LayerConfig.Serialize(BetaInitializer);
        config["gamma_initializer"] = LayerConfig.Serialize(GammaInitializer);
        config["beta_regularizer"] = LayerConfig.Serialize(BetaRegularizer);
        config["gamma_regularizer"] = LayerConfig.Serialize(GammaRegularizer);
        config["beta_constraint"] = null;
        config["gamma_constraint"] = null;
        return config;
    }

    long[] NormalizedShape(int[] sampleShape)
    {
        int rank = sampleShape.Length + 1;
        var axes = Axis.Select(a => a < 0 ? rank + a : a).Order().ToArray();
        if (axes.Any(a => a < 1 || a >= rank) || !axes.SequenceEqual(Enumerable.Range(rank - axes.Length, axes.Length)))
            throw Incompatible($"trailing axes to normalise (axis=[{string.Join(", ", Axis)}]) within rank {rank}", sampleShape);
        return [.. axes.Select(a => (long)sampleShape[a - 1])];
    }
}
