using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Models.Initializers;

/// <summary>Keras's <c>Constant</c>: every value equal to <see cref="Value"/>.</summary>
public class Constant : Initializer
{
    /// <summary>Creates the initializer.</summary>
    /// <param name="value">The fill value.</param>
    public Constant(double value = 0) => Value = value;

    /// <summary>The fill value.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public override Tensor Call(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Sample(shape, dtype, device, seed: null, (t, _) =>
        {
            using var value = Value.ToScalar();
            t.fill_(value);
        });
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?> { ["value"] = Value };
}
