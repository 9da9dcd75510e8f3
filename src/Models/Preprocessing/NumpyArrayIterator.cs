using static TorchSharp.torch;

namespace Pipeline.Models.Preprocessing;

/// <summary>
/// Keras's <c>tf.keras.preprocessing.image.NumpyArrayIterator</c>, returned by <see cref="ImageDataGenerator.Flow(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, int, bool, long?, string?)"/>: (images, labels) batches
/// drawn from in-memory arrays, each image transformed and standardized by the generator; labels are the rows of
/// <see cref="Y"/> as given (their dtype kept).
/// </summary>
public sealed class NumpyArrayIterator : Iterator
{
    internal NumpyArrayIterator(ImageDataGenerator generator, Tensor x, Tensor y, int batchSize, bool shuffle, long? seed)
        : base(generator, x.shape[0], batchSize, shuffle, seed, "ImageDataGenerator.Flow")
    {
        X = x;
        Y = y;
    }

    /// <summary>The images of this subset (batch, height, width, channels), as given.</summary>
    public Tensor X { get; }

    /// <summary>The labels of this subset, one row per image.</summary>
    public Tensor Y { get; }

    private protected override (Tensor Images, Tensor Labels) Load(long[] indices)
    {
        using var index = tensor(indices, ScalarType.Int64, X.device);
        using var images = X.index_select(0, index);
        using var yIndex = index.to(Y.device);
        return (images.to_type(ScalarType.Float32), Y.index_select(0, yIndex));
    }
}
