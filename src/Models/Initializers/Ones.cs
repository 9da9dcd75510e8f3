namespace Pipeline.Models.Initializers;

/// <summary>Keras's <c>Ones</c>: all ones (BatchNormalization's default gamma initializer).</summary>
public sealed class Ones : Constant
{
    /// <summary>Creates the initializer.</summary>
    public Ones() : base(1) { }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();
}
