namespace Pipeline.Models.Initializers;

/// <summary>Truncated normal with stddev √(2 / (fanIn + fanOut)): Keras's <c>glorot_normal</c>: <c>VarianceScaling(scale: 1.0, mode: "fan_avg", distribution: "truncated_normal")</c>.</summary>
public sealed class GlorotNormal : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public GlorotNormal(int? seed = null) : base(1.0, "fan_avg", "truncated_normal", seed) { }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
