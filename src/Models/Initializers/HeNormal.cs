namespace Pipeline.Models.Initializers;

/// <summary>Truncated normal with stddev √(2 / fanIn): Keras's <c>he_normal</c>: <c>VarianceScaling(scale: 2.0, mode: "fan_in", distribution: "truncated_normal")</c>.</summary>
public sealed class HeNormal : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public HeNormal(int? seed = null) : base(2.0, "fan_in", "truncated_normal", seed) { }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
