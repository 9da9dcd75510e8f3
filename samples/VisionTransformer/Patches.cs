using Pipeline;
using Pipeline.Models.Layers;
using Pipeline.Models.Saving;
using static TorchSharp.torch;

/// <summary>
/// The Keras tutorial's <c>Patches</c> layer: cuts (batch, height, width, channels) images into non-overlapping
/// patchSize x patchSize patches with <see cref="Image.ExtractPatches"/> and returns them as a sequence,
/// (batch, patches, patchSize * patchSize * channels), patches in row-major order.
/// </summary>
[KerasSerializable(package: "VisionTransformer")]
public sealed class Patches : Layer
{
    /// <summary>Creates the layer.</summary>
    /// <param name="patchSize">Side of a square patch in pixels; it must divide the image's height and width.</param>
    /// <param name="name">Optional layer name.</param>
    public Patches(int patchSize, string? name = null) : base(name)
    {
        if (patchSize <= 0) throw new ArgumentOutOfRangeException(nameof(patchSize), patchSize, "Patches: patchSize must be positive.");
        PatchSize = patchSize;
    }

    /// <summary>Side of a patch in pixels.</summary>
    public int PatchSize { get; }

    /// <inheritdoc />
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[0] % PatchSize != 0 || inputShape[1] % PatchSize != 0)
            throw Incompatible($"(height, width, channels) images whose height and width are multiples of patchSize={PatchSize}", inputShape);
        return [inputShape[0] / PatchSize * (inputShape[1] / PatchSize), PatchSize * PatchSize * inputShape[2]];
    }

    /// <inheritdoc />
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        using var grid = Image.ExtractPatches(inputs, (PatchSize, PatchSize), (PatchSize, PatchSize));
        return grid.reshape(grid.shape[0], grid.shape[1] * grid.shape[2], grid.shape[3]);
    }

    /// <inheritdoc />
    public override Dictionary<string, object?> GetConfig()
    {
        var config = base.GetConfig();
        config["patch_size"] = PatchSize;
        return config;
    }
}
