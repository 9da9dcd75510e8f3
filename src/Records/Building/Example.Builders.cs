namespace Pipeline.Records;

// Concise construction of Examples, mirroring the tutorial's tf.train.Example(features=tf.train.Features(feature={...})).
public sealed partial class Example
{
    /// <summary>
    /// An example with the given features: <c>Example.FromFeatures(("label", Feature.Int64(1)), ("image_raw", Feature.Bytes(jpeg)))</c>.
    /// </summary>
    /// <param name="features">Key and feature pairs; keys must be distinct.</param>
    /// <returns>A new example.</returns>
    public static Example FromFeatures(params (string Key, Feature Value)[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var map = new Features();
        foreach (var (key, value) in features)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(features));
            ArgumentNullException.ThrowIfNull(value, $"features[\"{key}\"]");
            if (!map.Feature.TryAdd(key, value)) throw new ArgumentException($"Feature key '{key}' appears twice.", nameof(features));
        }
        return new Example { Features = map };
    }

    /// <summary>
    /// The tutorial's <c>image_example(image_string, label)</c>: features <c>height</c>, <c>width</c>, <c>depth</c>
    /// and <c>label</c> (int64) and <c>image_raw</c> (the encoded bytes, unchanged). Height, width and channel count are read
    /// from the image header without decoding the pixels.
    /// </summary>
    /// <param name="encodedImage">A JPEG, PNG, BMP or GIF file's bytes.</param>
    /// <param name="label">The class label.</param>
    /// <returns>A new example.</returns>
    public static Example FromImage(byte[] encodedImage, long label)
    {
        ArgumentNullException.ThrowIfNull(encodedImage);
        (int Height, int Width, int Channels) shape;
        try
        {
            shape = Image.ReadShape(encodedImage);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"The {encodedImage.Length} bytes are not a JPEG, PNG, BMP, GIF or WebP image: {e.Message}", nameof(encodedImage), e);
        }
        return FromFeatures(
            ("height", Feature.Int64(shape.Height)),
            ("width", Feature.Int64(shape.Width)),
            ("depth", Feature.Int64(shape.Channels)),
            ("label", Feature.Int64(label)),
            ("image_raw", Feature.Bytes(encodedImage)));
    }
}
