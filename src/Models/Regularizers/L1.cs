namespace Pipeline.Models.Regularizers;

/// <summary>Keras's <c>L1</c>: <c>l1 · sum(|x|)</c>, factor 0.01 by default.</summary>
public sealed class L1 : L1L2
{
    /// <summary>Creates the regularizer.</summary>
    /// <param name="l1">The factor.</param>
    public L1(double l1 = 0.01) : base(l1: l1) { }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["l1"] = L1Factor };
}
