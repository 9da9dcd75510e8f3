namespace Pipeline.Models.Initializers;

/// <summary>Uniform in [-l, l], l = √(6 / (fanIn + fanOut)): Keras's <c>glorot_uniform</c>: <c>VarianceScaling(scale: 1.0, mode: "fan_avg", distribution: "uniform")</c>.</summary>
public sealed class GlorotUniform : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public GlorotUniform(int? seed = null) : base(1.0, "fan_avg", "uniform", seed) { }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
