using Pipeline.Models.Optimizers.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Optimizers;

/// <summary>
/// Keras's <c>SGD</c> (learning rate 0.01): <c>w -= lr · g</c>; with momentum, <c>m = momentum · m − lr · g</c> and
/// <c>w += m</c>, or with Nesterov <c>w += momentum · m − lr · g</c>.
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>Creates an SGD optimizer.</summary>
    /// <param name="learningRate">Step size: a number or a <see cref="LearningRateSchedule"/>; 0.01 when null.</param>
    /// <param name="momentum">Momentum factor in [0, 1], 0 for plain SGD.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    /// <param name="weightDecay">Decoupled weight decay factor, or null.</param>
    /// <param name="clipnorm">Per-gradient L2-norm limit, or null.</param>
    /// <param name="clipvalue">Per-element gradient limit, or null.</param>
    /// <param name="globalClipnorm">Joint L2-norm limit over all gradients, or null.</param>
    /// <param name="name">The optimizer's name.</param>
    public SGD(LearningRateSchedule? learningRate = null, double momentum = 0, bool nesterov = false, double? weightDecay = null,
        double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, string name = "SGD")
        : base(learningRate, 0.01, weightDecay, clipnorm, clipvalue, globalClipnorm, name)
    {
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "`momentum` must be a float between [0, 1].");
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() =>
        new Dictionary<string, object?>(base.GetConfig()) { ["momentum"] = Momentum, ["nesterov"] = Nesterov };

    private protected override string[] SlotNames => Momentum != 0 ? ["momentum"] : [];

    private protected override void UpdateStep(Tensor gradient, Tensor variable, Tensor[] slots, double learningRate, long localStep)
    {
        using var minusLr = (-learningRate).ToScalar();
        if (Momentum == 0)
        {
            variable.add_(gradient, minusLr);
            return;
        }
        using var momentum = Momentum.ToScalar();
        var m = slots[0];
        m.mul_(momentum).add_(gradient, minusLr);
        if (Nesterov) variable.add_(m, momentum).add_(gradient, minusLr);
        else variable.add_(m, Training.Scalars.One);
    }
}
