using Pipeline.Models.Initializers;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

/// <summary>
/// Projects each patch to <c>projectionDim</c> features with a <see cref="Dense"/> layer, prepends a learnable class
/// token (a weight of its own, zeros at first) and adds a learnable position embedding per position (an
/// <see cref="Embedding"/> of numPatches + 1 rows looked up at 0, 1, ...): (batch, patches, patchFeatures) in,
/// (batch, 1 + patches, projectionDim) out.
/// </summary>
[KerasSerializable(package: "VisionTransformer")]
public sealed class PatchEncoder : Layer
{
    readonly Dense _projection;
    readonly Embedding _positionEmbedding;
    Pipeline.Models.Variable? _classToken;

    /// <summary>Creates the layer.</summary>
    /// <param name="numPatches">Patches per image.</param>
    /// <param name="projectionDim">Features per token.</param>
    /// <param name="name">Optional layer name.</param>
    public PatchEncoder(int numPatches, int projectionDim, string? name = null) : base(name)
    {
        if (numPatches <= 0) throw new ArgumentOutOfRangeException(nameof(numPatches), numPatches, "PatchEncoder: numPatches must be positive.");
        if (projectionDim <= 0) throw new ArgumentOutOfRangeException(nameof(projectionDim), projectionDim, "PatchEncoder: projectionDim must be positive.");
        (NumPatches, ProjectionDim) = (numPatches, projectionDim);
        _projection = new Dense(projectionDim);
        // ViT's position embeddings start small (normal, stddev 0.02), as in the paper's and PyTorch's code.
        _positionEmbedding = new Embedding(numPatches + 1, projectionDim, embeddingsInitializer: new RandomNormal(stddev: 0.02));
    }

    /// <summary>Patches per image.</summary>
    public int NumPatches { get; }

    /// <summary>Features per token.</summary>
    public int ProjectionDim { get; }

    /// <inheritdoc />
    /// <remarks>The nested Dense and Embedding build on the first call (the shape probe runs one).</remarks>
    public override void Build(int[] inputShape)
    {
        if (inputShape.Length != 2 || inputShape[0] != NumPatches)
            throw Incompatible($"(numPatches={NumPatches}, patchFeatures) sequences", inputShape);
        _classToken = AddWeight("class_token", [1, 1, ProjectionDim], new Zeros());
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var scope = NewDisposeScope();
        var tokens = _projection.Apply(inputs);
        var classToken = _classToken!.Value.expand(inputs.shape[0], 1, ProjectionDim);
        var positions = arange(NumPatches + 1, ScalarType.Int64, inputs.device);
        var encoded = cat([classToken, tokens], 1).add(_positionEmbedding.Apply(positions));
        return encoded.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["num_patches"] = NumPatches;
        config["projection_dim"] = ProjectionDim;
        return config;
    }
}
