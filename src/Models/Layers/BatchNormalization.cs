using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>BatchNormalization</c> (momentum 0.99, epsilon 1e-3) over <see cref="Axis"/> (the channels). In training
/// it normalises with the batch's mean and (biased) variance and moves the non-trainable <c>moving_mean</c> and
/// <c>moving_variance</c>: <c>moving = moving · momentum + batch · (1 − momentum)</c>; at inference it uses them. Weights in
/// Keras's order: gamma, beta, moving_mean, moving_variance. As in Keras, a frozen layer (<c>Trainable = false</c>) runs in
/// inference mode even during <c>Fit</c>, so fine-tuning a pretrained base leaves its statistics alone.
/// </summary>
public sealed class BatchNormalization : Layer
{
    Variable? _gamma, _beta, _movingMean, _movingVariance;

    /// <summary>Creates the layer.</summary>
    /// <param name="axis">The feature axis, counting the batch as 0; -1 (channels-last) by default.</param>
    /// <param name="momentum">Moving-average momentum.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="center">Learn an offset beta.</param>
    /// <param name="scale">Learn a factor gamma.</param>
    /// <param name="betaInitializer">zeros by default.</param>
    /// <param name="gammaInitializer">ones by default.</param>
    /// <param name="movingMeanInitializer">zeros by default.</param>
    /// <param name="movingVarianceInitializer">ones by default.</param>
    /// <param name="betaRegularizer">Penalty on beta, or null.</param>
    /// <param name="gammaRegularizer">Penalty on gamma, or null.</param>
    /// <param name="name">Optional layer name.</param>
    public BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, Initializer? movingMeanInitializer = null,
        Initializer? movingVarianceInitializer = null, Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null, string? name = null)
        : base(name)
    {
        if (axis == 0) throw new ArgumentOutOfRangeException(nameof(axis), axis, "BatchNormalization: axis 0 is the batch axis.");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "BatchNormalization: momentum must be in [0, 1].");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "BatchNormalization: epsilon must be positive.");
        (Axis, Momentum, Epsilon, Center, Scale) = (axis, momentum, epsilon, center, scale);
        BetaInitializer = betaInitializer ?? new Zeros();
        GammaInitializer = gammaInitializer ?? new Ones();
        MovingMeanInitializer = movingMeanInitializer ?? new Zeros();
        MovingVarianceInitializer = movingVarianceInitializer ?? new Ones();
        (BetaRegularizer, GammaRegularizer) = (betaRegularizer, gammaRegularizer);
    }

    /// <summary>The feature axis.</summary>
    public int Axis { get; }

    /// <summary>Moving-average momentum.</summary>
    public double Momentum { get; }

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

    /// <summary>moving_mean's initializer.</summary>
    public Initializer MovingMeanInitializer { get; }

    /// <summary>moving_variance's initializer.</summary>
    public Initializer MovingVarianceInitializer { get; }

    /// <summary>Penalty on beta, or null.</summary>
    public Regularizer? BetaRegularizer { get; }

    /// <summary>Penalty on gamma, or null.</summary>
    public Regularizer? GammaRegularizer { get; }

    /// <summary>The moving mean (non-trainable); null before build.</summary>
    public Variable? MovingMean => _movingMean;

    /// <summary>The moving variance (non-trainable); null before build.</summary>
    public Variable? MovingVariance => _movingVariance;

    /// <inheritdoc />
    public override void Build(int[] inputShape)
    {
        long features = inputShape[FeatureAxis(inputShape)];
        _gamma = Scale ? AddWeight("gamma", [features], GammaInitializer, trainable: true, GammaRegularizer) : null;
        _beta = Center ? AddWeight("beta", [features], BetaInitializer, trainable: true, BetaRegularizer) : null;
        _movingMean = AddWeight("moving_mean", [features], MovingMeanInitializer, trainable: false);
        _movingVariance = AddWeight("moving_variance", [features], MovingVarianceInitializer, trainable: false);
    }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        FeatureAxis(inputShape);
        return inputShape;
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int axis = FeatureAxis([.. inputs.shape.Skip(1).Select(d => (int)d)]) + 1;
        // batch_norm wants features on axis 1: a permuted view (channels-last stays channels_last in memory).
        long[] order = [0, axis, .. Enumerable.Range(1, (int)inputs.dim() - 1).Where(i => i != axis).Select(i => (long)i)];
        long[] back = [.. Enumerable.Range(0, order.Length).Select(i => (long)Array.IndexOf(order, (long)i))];
        var x = inputs.permute(order);
        var gamma = _gamma?.Storage;
        var beta = _beta?.Storage;
        Tensor y;
        if (training && Trainable)
        {
            // One pass: with momentum 1 the fused kernel leaves the batch mean and the unbiased batch variance in the
            // two buffers we hand it. Keras moves its statistics with the biased variance, so rescale by (n - 1) / n.
            var movingMean = _movingMean!.Storage;
            var movingVariance = _movingVariance!.Storage;
            using var batchMean = zeros_like(movingMean);
            using var batchVariance = ones_like(movingVariance);
            y = nn.functional.batch_norm(x, batchMean, batchVariance, gamma, beta, training: true, momentum: 1.0, eps: Epsilon);
            long n = x.numel() / x.shape[1];
            using var noGrad = no_grad();
            using var keep = Momentum.ToScalar();
            using var take = (1 - Momentum).ToScalar();
            using var biased = ((1 - Momentum) * (n - 1) / n).ToScalar();
            movingMean.mul_(keep).add_(batchMean, take);
            movingVariance.mul_(keep).add_(batchVariance, biased);
        }
        else
        {
            y = nn.functional.batch_norm(x, _movingMean!.Storage, _movingVariance!.Storage, gamma, beta, training: false, momentum: 0, eps: Epsilon);
        }
        return y.permute(back);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis;
        config["momentum"] = Momentum;
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["beta_initializer"] = LayerConfig.Serialize(BetaInitializer);
        config["gamma_initializer"] = LayerConfig.Serialize(GammaInitializer);
        config["moving_mean_initializer"] = LayerConfig.Serialize(MovingMeanInitializer);
        config["moving_variance_initializer"] = LayerConfig.Serialize(MovingVarianceInitializer);
        config["beta_regularizer"] = LayerConfig.Serialize(BetaRegularizer);
        config["gamma_regularizer"] = LayerConfig.Serialize(GammaRegularizer);
        config["beta_constraint"] = null;
        config["gamma_constraint"] = null;
        return config;
    }

    int FeatureAxis(int[] sampleShape)
    {
        int rank = sampleShape.Length + 1;
        int axis = Axis < 0 ? rank + Axis : Axis;
        if (axis < 1 || axis >= rank) throw Incompatible($"an input of rank > {Math.Abs(Axis)} for axis={Axis}", sampleShape);
        return axis - 1;
    }
}
