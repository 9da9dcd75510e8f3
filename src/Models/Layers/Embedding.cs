using Pipeline.Models.Initializers;
using Pipeline.Models.Regularizers;
using static TorchSharp.torch;

namespace Pipeline.Models.Layers;

/// <summary>
/// Keras's <c>Embedding</c>: integer indices in [0, inputDim) → rows of the (inputDim, outputDim) <c>embeddings</c>
/// matrix (uniform ±0.05 by default); the output adds an axis of outputDim. With <c>maskZero</c>, index 0 is padding:
/// <see cref="ComputeMask"/> gives Keras's mask (true where the index is not 0). Masks do not flow from layer to layer
/// by themselves here (Keras propagates them); pass the mask on yourself, e.g. as a MultiHeadAttention attention mask.
/// </summary>
public sealed class Embedding : Layer
{
    Variable? _embeddings;

    /// <summary>Creates the layer.</summary>
    /// <param name="inputDim">Vocabulary size (largest index + 1).</param>
    /// <param name="outputDim">Embedding width.</param>
    /// <param name="embeddingsInitializer">uniform ±0.05 by default.</param>
    /// <param name="embeddingsRegularizer">Penalty on the matrix, or null.</param>
    /// <param name="maskZero">Whether index 0 is padding that later layers should ignore (see <see cref="ComputeMask"/>).</param>
    /// <param name="name">Optional layer name.</param>
    public Embedding(int inputDim, int outputDim, Initializer? embeddingsInitializer = null, Regularizer? embeddingsRegularizer = null, bool maskZero = false, string? name = null)
        : base(name)
    {
        ConvGeometry.RequirePositive(inputDim, nameof(inputDim), nameof(Embedding));
        ConvGeometry.RequirePositive(outputDim, nameof(outputDim), nameof(Embedding));
        (InputDim, OutputDim, MaskZero) = (inputDim, outputDim, maskZero);
        EmbeddingsInitializer = embeddingsInitializer ?? new RandomUniform();
        EmbeddingsRegularizer = embeddingsRegularizer;
    }

    /// <summary>Vocabulary size.</summary>
    public int InputDim { get; }

    /// <summary>Embedding width.</summary>
    public int OutputDim { get; }

    /// <summary>Whether index 0 is padding (Keras's <c>mask_zero</c>).</summary>
    public bool MaskZero { get; }

    /// <summary>
    /// Keras's <c>compute_mask</c>: with <see cref="MaskZero"/>, a boolean tensor of the indices' shape, true where the
    /// index is not 0 (a real token); without it, null.
    /// </summary>
    /// <param name="inputs">The integer indices the layer is applied to.</param>
    public Tensor? ComputeMask(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return MaskZero ? inputs.ne(Training.Scalars.Zero) : null;
    }

    /// <summary>The matrix's initializer.</summary>
    public Initializer EmbeddingsInitializer { get; }

    /// <summary>Penalty on the matrix, or null.</summary>
    public Regularizer? EmbeddingsRegularizer { get; }

    /// <summary>The (inputDim, outputDim) matrix; null before build.</summary>
    public Variable? Embeddings => _embeddings;

    /// <inheritdoc />
    public override void Build(int[] inputShape) =>
        _embeddings = AddWeight("embeddings", [InputDim, OutputDim], EmbeddingsInitializer, trainable: true, EmbeddingsRegularizer);

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        return [.. inputShape, OutputDim];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var indices = inputs.dtype == ScalarType.Int64 ? inputs : inputs.to_type(ScalarType.Int64);
        return _embeddings!.Storage.index_select(0, indices.flatten()).reshape([.. inputs.shape, OutputDim]);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["input_dim"] = InputDim;
        config["output_dim"] = OutputDim;
        config["embeddings_initializer"] = LayerConfig.Serialize(EmbeddingsInitializer);
        config["embeddings_regularizer"] = LayerConfig.Serialize(EmbeddingsRegularizer);
        config["embeddings_constraint"] = null;
        config["mask_zero"] = MaskZero;
        return config;
    }
}
