using static TorchSharp.torch;

namespace Pipeline.Models.Regularizers;

/// <summary>
/// A Keras weight regularizer (<c>keras.regularizers.Regularizer</c>): maps a weight to a scalar penalty that training
/// adds to the loss. Layers take one by name (<c>kernelRegularizer: "l2"</c>) or as an object (<c>new L2(1e-4)</c>).
/// </summary>
public abstract class Regularizer
{
    /// <summary>Keras's snake-case name of this regularizer ("l1", "l2", "l1_l2").</summary>
    public virtual string Name => Naming.ToSnakeCase(GetType().Name);

    /// <summary>The penalty for <paramref name="x"/>: a scalar tensor that keeps <paramref name="x"/>'s gradient.</summary>
    /// <param name="x">The weight.</param>
    public abstract Tensor Call(Tensor x);

    /// <summary>The constructor arguments as Keras names them.</summary>
    public abstract IReadOnlyDictionary<string, object?> GetConfig();

    /// <summary>A regularizer by its Keras name ("l1", "l2", "l1_l2"), with Keras's default factors.</summary>
    /// <param name="name">The name, case-insensitive; class names ("L1L2") work too.</param>
    /// <exception cref="ArgumentException">Not a regularizer name.</exception>
    public static Regularizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "l1" => new L1(),
            "l2" => new L2(),
            "l1_l2" or "l1l2" => new L1L2(),
            _ => throw new ArgumentException(
                $"Could not interpret regularizer identifier: '{name}'. Expected one of: l1, l2, l1_l2, or a Regularizer instance.", "regularizer"),
        };
    }

    /// <summary>Keras-style shorthand: <c>kernelRegularizer: "l2"</c>.</summary>
    /// <param name="name">The regularizer's name.</param>
    public static implicit operator Regularizer(string name) => Get(name);

    internal static double CheckFactor(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, value, $"Value for argument {name} must be a non-negative finite number. Received: {name}={value}");
        return value;
    }
}
