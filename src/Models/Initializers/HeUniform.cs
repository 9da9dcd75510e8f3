namespace Pipeline.Models.Initializers;

/// <summary>Uniform in [-l, l], l = √(6 / fanIn): Keras's <c>he_uniform</c>: <c>VarianceScaling(scale: 2.0, mode: "fan_in", distribution: "uniform")</c>.</summary>
public sealed class HeUniform : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public HeUniform(int? seed = null) : base(2.0, "fan_in", "uniform", seed) { }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
