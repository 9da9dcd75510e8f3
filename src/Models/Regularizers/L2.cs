namespace Pipeline.Models.Regularizers;

/// <summary>Keras's <c>L2</c>: <c>l2 · sum(x²)</c>, factor 0.01 by default.</summary>
public sealed class L2 : L1L2
{
    /// <summary>Creates the regularizer.</summary>
    /// <param name="l2">The factor.</param>
    public L2(double l2 = 0.01) : base(l2: l2) { }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["l2"] = L2Factor };
}
