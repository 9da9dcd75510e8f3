namespace Pipeline.Models.Initializers;

/// <summary>Uniform in [-l, l], l = √(3 / fanIn): Keras's <c>lecun_uniform</c>: <c>VarianceScaling(scale: 1.0, mode: "fan_in", distribution: "uniform")</c>.</summary>
public sealed class LecunUniform : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public LecunUniform(int? seed = null) : base(1.0, "fan_in", "uniform", seed) { }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
