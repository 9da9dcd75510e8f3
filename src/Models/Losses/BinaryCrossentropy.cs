using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>
/// Binary cross-entropy between 0/1 (or soft) labels and predicted probabilities or logits, averaged over
/// <see cref="Axis"/>, by default the last (Keras's <c>BinaryCrossentropy</c>).
/// </summary>
public sealed class BinaryCrossentropy : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="fromLogits">True when predictions are logits rather than probabilities.</param>
    /// <param name="labelSmoothing">In [0, 1]: labels become <c>y · (1 − s) + s / 2</c>.</param>
    /// <param name="axis">The axis the mean runs over (Keras's <c>axis</c>, default -1, the last); the per-sample losses
    /// have the predictions' shape without it.</param>
    /// <param name="reduction">See <see cref="Loss.Reduction"/>.</param>
    /// <param name="name">Name in logs.</param>
    public BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, int axis = -1, string reduction = "sum_over_batch_size",
        string? name = "binary_crossentropy")
        : base(name, reduction)
    {
        Axis = axis;
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "labelSmoothing must be in [0, 1].");
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>True when predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label-smoothing factor.</summary>
    public double LabelSmoothing { get; }

    /// <summary>The axis the mean runs over (-1: the last).</summary>
    public int Axis { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>(base.GetConfig())
    {
        ["from_logits"] = FromLogits,
        ["label_smoothing"] = LabelSmoothing,
        ["axis"] = Axis,
    };

    /// <inheritdoc />
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (target, prediction) = SameShape(yTrue, yPred);
        using var scope = NewDisposeScope();
        if (LabelSmoothing > 0)
        {
            using var keep = (1 - LabelSmoothing).ToScalar();
            using var half = (0.5 * LabelSmoothing).ToScalar();
            target = target.mul(keep).add_(half, Training.Scalars.One);
        }
        Tensor elementwise;
        if (FromLogits)
        {
            // max(x, 0) - x·y + log(1 + exp(-|x|)): stable for large |x|.
            elementwise = prediction.relu().sub(prediction.mul(target))
                .add_(prediction.abs().neg_().exp().log1p(), Training.Scalars.One);
        }
        else
        {
            var p = prediction.clamp(Training.Scalars.ProbabilityFloor, Training.Scalars.ProbabilityCeiling);
            elementwise = target.mul(p.log()).add_(OneMinus(target).mul_(OneMinus(p).log_()), Training.Scalars.One).neg_();
        }
        var perSample = elementwise.dim() == 0 ? elementwise : ClassAxisLast(elementwise, Axis, elementwise).mean([-1]);
        return perSample.MoveToOuterDisposeScope();
    }
}
