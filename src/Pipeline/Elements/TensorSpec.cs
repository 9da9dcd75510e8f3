using static TorchSharp.torch;

namespace Pipeline;

/// <summary>
/// The shape and dtype of one tensor of a dataset's elements (<c>tf.TensorSpec</c>); unknown dimensions (a batch
/// dimension without <c>dropRemainder</c>, padded lengths) are null and print as <c>None</c>, as TensorFlow prints them:
/// <c>TensorSpec(shape=(None, 32, 32, 3), dtype=tf.float32, name=None)</c>.
/// </summary>
public sealed class TensorSpec
{
    internal TensorSpec(long?[] shape, ScalarType? dtype)
    {
        Shape = shape;
        ScalarType = dtype;
    }

    /// <summary>The dimensions; null where unknown (TensorFlow's None).</summary>
    public IReadOnlyList<long?> Shape { get; }

    /// <summary>TensorFlow's dtype name: <c>float32</c>, <c>int64</c>, <c>string</c>, ... (<see cref="ToString"/> adds the module name).</summary>
    public string DType => ScalarType is { } t ? TensorPrinting.DTypeName(t) : "string";

    /// <summary>The tensor dtype; null for strings and byte arrays (<c>tf.string</c>).</summary>
    internal ScalarType? ScalarType { get; }

    /// <summary>TensorFlow's form: <c>TensorSpec(shape=(None, 32, 32, 3), dtype=tf.float32, name=None)</c>.</summary>
    public override string ToString() =>
        $"TensorSpec(shape=({string.Join(", ", Shape.Select(d => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None"))}{(Shape.Count == 1 ? "," : "")}), dtype=tf.{DType}, name=None)";
}
