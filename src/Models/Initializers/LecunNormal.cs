namespace Pipeline.Models.Initializers;

/// <summary>Truncated normal with stddev √(1 / fanIn): Keras's <c>lecun_normal</c>: <c>VarianceScaling(scale: 1.0, mode: "fan_in", distribution: "truncated_normal")</c>.</summary>
public sealed class LecunNormal : VarianceScaling
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="seed">Seed: the same values on every call when given.</param>
    public LecunNormal(int? seed = null) : base(1.0, "fan_in", "truncated_normal", seed) { }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["seed"] = Seed };
}
