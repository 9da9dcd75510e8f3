using Pipeline.Models;
using Pipeline.Models.Layers;

/// <summary>The sizes of a ViT; the defaults are the small ViT of the peer benchmark (142,026 parameters).</summary>
/// <param name="ImageSize">Side of the square input images.</param>
/// <param name="Channels">Colour channels.</param>
/// <param name="PatchSize">Side of a patch.</param>
/// <param name="ProjectionDim">Features per token.</param>
/// <param name="NumHeads">Attention heads per block.</param>
/// <param name="Depth">Transformer blocks.</param>
/// <param name="MlpDim">Width of each block's MLP.</param>
/// <param name="NumClasses">Classes to tell apart.</param>
/// <param name="Dropout">Dropout rate inside the blocks.</param>
public sealed record VitConfig(int ImageSize = 32, int Channels = 3, int PatchSize = 4, int ProjectionDim = 64, int NumHeads = 4,
    int Depth = 4, int MlpDim = 128, int NumClasses = 10, double Dropout = 0.0)
{
    /// <summary>Patches per image.</summary>
    public int NumPatches => ImageSize / PatchSize * (ImageSize / PatchSize);
}

/// <summary>The Vision Transformer as a functional model over the sample's layers, as the Keras tutorial builds it.</summary>
public static class VisionTransformerModel
{
    /// <summary>Images → patches → patch encoder (projection, class token, positions) → blocks → norm → class token → logits.</summary>
    /// <param name="config">The sizes; null for the defaults.</param>
    public static Model Create(VitConfig? config = null)
    {
        var c = config ?? new VitConfig();
        var inputs = new Input([c.ImageSize, c.ImageSize, c.Channels]);
        var patches = new Patches(c.PatchSize).Apply(inputs);
        var encoded = new PatchEncoder(c.NumPatches, c.ProjectionDim).Apply(patches);
        for (int i = 0; i < c.Depth; i++)
            encoded = new TransformerBlock(c.ProjectionDim, c.NumHeads, c.MlpDim, c.Dropout).Apply(encoded);
        var representation = new LayerNormalization(epsilon: 1e-6).Apply(encoded);
        var logits = new Dense(c.NumClasses).Apply(new ClassToken().Apply(representation));
        return new Model(inputs, logits, name: "vision_transformer");
    }
}
