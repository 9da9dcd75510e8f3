using static TorchSharp.torch;

namespace Pipeline.Models.Regularizers;

/// <summary>
/// A penalty on a weight added to the training loss (Keras's <c>keras.regularizers.Regularizer</c>). A layer created
/// with <c>AddWeight(..., regularizer: r)</c> reports <c>r.Call(weight)</c> in <see cref="Layers.Layer.Losses"/>, and
/// <c>Fit</c> adds those to the loss.
/// </summary>
public abstract class Regularizer
{
    /// <summary>Creates a regularizer.</summary>
    protected Regularizer() { }

    /// <summary>The penalty (a scalar tensor) for <paramref name="weight"/>, given in Keras's layout.</summary>
    /// <param name="weight">The weight's value.</param>
    public abstract Tensor Call(Tensor weight);

    /// <summary>The constructor arguments under Keras's snake_case names.</summary>
    public virtual IReadOnlyDictionary<string, object?> GetConfig() => new Dictionary<string, object?>();
}
