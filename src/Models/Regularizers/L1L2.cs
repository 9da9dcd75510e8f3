using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Regularizers;

/// <summary>Keras's <c>L1L2</c>: <c>l1 · sum(|x|) + l2 · sum(x²)</c> (both factors 0 by default).</summary>
public class L1L2 : Regularizer
{
    /// <summary>Creates the regularizer.</summary>
    /// <param name="l1">L1 factor.</param>
    /// <param name="l2">L2 factor.</param>
    public L1L2(double l1 = 0.0, double l2 = 0.0)
    {
        L1Factor = CheckFactor(l1, nameof(l1));
        L2Factor = CheckFactor(l2, nameof(l2));
    }

    /// <summary>The L1 factor.</summary>
    public double L1Factor { get; }

    /// <summary>The L2 factor.</summary>
    public double L2Factor { get; }

    /// <inheritdoc />
    public override Tensor Call(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        Tensor penalty = zeros([], x.dtype, x.device);
        if (L1Factor != 0)
        {
            using var f = L1Factor.ToScalar();
            penalty = penalty.add(x.abs().sum(), f);
        }
        if (L2Factor != 0)
        {
            using var f = L2Factor.ToScalar();
            penalty = penalty.add(x.square().sum(), f);
        }
        return penalty.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["l1"] = L1Factor, ["l2"] = L2Factor };
}
