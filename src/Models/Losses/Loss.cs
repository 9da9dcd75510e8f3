using static TorchSharp.torch;

namespace Pipeline.Models.Losses;

/// <summary>
/// A Keras loss. Converts from Keras's names, so <c>Compile(loss: "sparse_categorical_crossentropy")</c> works.
/// </summary>
public abstract class Loss
{
    static readonly string[] KnownNames = ["sparse_categorical_crossentropy", "categorical_crossentropy", "mean_squared_error (mse)"];

    private protected Loss() { }

    /// <summary>The loss's Keras name, e.g. <c>sparse_categorical_crossentropy</c>.</summary>
    public abstract string Name { get; }

    /// <summary>True when the loss can take the model's pre-softmax output and fuse log-softmax (more exact, faster).</summary>
    internal virtual bool FusesSoftmax => false;

    /// <summary>True when labels are class indices (sparse), checked against the output's class count.</summary>
    internal virtual bool SparseLabels => false;

    /// <summary>Mean loss over the batch. <paramref name="outputIsLogits"/> says the model skipped its final softmax.</summary>
    internal abstract Tensor Compute(Tensor output, Tensor labels, bool outputIsLogits);

    /// <summary>Keras's loss by name.</summary>
    /// <param name="name">"sparse_categorical_crossentropy", "categorical_crossentropy", "mean_squared_error" or "mse".</param>
    /// <exception cref="ArgumentException">The name is not a known loss (parameter name <c>loss</c>).</exception>
    public static Loss Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name, "loss");
        return name.Trim().ToLowerInvariant() switch
        {
            "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
            "categorical_crossentropy" => new CategoricalCrossentropy(),
            "mean_squared_error" or "mse" => new MeanSquaredError(),
            _ => throw new ArgumentException(
                $"Could not interpret loss function identifier: '{name}'. Expected one of: {string.Join(", ", KnownNames)}, or a Loss instance.",
                "loss"),
        };
    }

    /// <summary>Keras-style shorthand: <c>loss: "sparse_categorical_crossentropy"</c>.</summary>
    /// <param name="name">The loss's name.</param>
    public static implicit operator Loss(string name) => Get(name);
}
