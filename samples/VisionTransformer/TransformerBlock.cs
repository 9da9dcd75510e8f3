using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

/// <summary>
/// One pre-norm transformer encoder block, as in the Keras tutorial and the ViT paper:
/// x + MultiHeadAttention(LayerNormalization(x)), then + MLP(LayerNormalization(x)) with a GELU hidden layer.
/// (batch, tokens, projectionDim) in and out.
/// </summary>
[KerasSerializable(package: "VisionTransformer")]
public sealed class TransformerBlock : Layer
{
    readonly LayerNormalization _norm1, _norm2;
    readonly MultiHeadAttention _attention;
    readonly Dense _hidden, _output;
    readonly Dropout _dropout1, _dropout2;
    readonly Add _add1 = new(), _add2 = new();

    /// <summary>Creates the block.</summary>
    /// <param name="projectionDim">Features per token (in and out).</param>
    /// <param name="numHeads">Attention heads; each has projectionDim / numHeads features.</param>
    /// <param name="mlpDim">Width of the MLP's hidden layer.</param>
    /// <param name="dropout">Dropout rate after the attention and in the MLP (0 turns it off).</param>
    /// <param name="name">Optional layer name.</param>
    public TransformerBlock(int projectionDim, int numHeads, int mlpDim, double dropout = 0.0, string? name = null) : base(name)
    {
        if (numHeads <= 0 || projectionDim % numHeads != 0)
            throw new ArgumentException($"TransformerBlock: projectionDim ({projectionDim}) must be a multiple of numHeads ({numHeads}).", nameof(numHeads));
        (ProjectionDim, NumHeads, MlpDim, DropoutRate) = (projectionDim, numHeads, mlpDim, dropout);
        // LayerNormalization's epsilon as in the Keras tutorial (1e-6).
        _norm1 = new LayerNormalization(epsilon: 1e-6);
        _attention = new MultiHeadAttention(numHeads, keyDim: projectionDim / numHeads, dropout: dropout);
        _norm2 = new LayerNormalization(epsilon: 1e-6);
        _hidden = new Dense(mlpDim, activation: "gelu");
        _output = new Dense(projectionDim);
        _dropout1 = new Dropout(dropout);
        _dropout2 = new Dropout(dropout);
    }

    /// <summary>Features per token.</summary>
    public int ProjectionDim { get; }

    /// <summary>Attention heads.</summary>
    public int NumHeads { get; }

    /// <summary>Width of the MLP's hidden layer.</summary>
    public int MlpDim { get; }

    /// <summary>Dropout rate.</summary>
    public double DropoutRate { get; }

    /// <inheritdoc />
    /// <remarks>The nested layers build on the first call (the shape probe runs one).</remarks>
    public override void Build(int[] inputShape)
    {
        if (inputShape.Length != 2 || inputShape[1] != ProjectionDim)
            throw Incompatible($"(tokens, projectionDim={ProjectionDim}) sequences", inputShape);
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var scope = NewDisposeScope();
        var attended = _dropout1.Apply(_attention.Apply(_norm1.Apply(inputs), training), training);
        var x = _add1.Apply([inputs, attended]);
        var mlp = _dropout2.Apply(_output.Apply(_hidden.Apply(_norm2.Apply(x))), training);
        return _add2.Apply([x, mlp]).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["projection_dim"] = ProjectionDim;
        config["num_heads"] = NumHeads;
        config["mlp_dim"] = MlpDim;
        config["dropout"] = DropoutRate;
        return config;
    }
}
