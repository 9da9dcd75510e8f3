namespace Pipeline.Records;

/// <summary>The three value types a <see cref="Feature"/> can hold, named after TensorFlow's dtypes.</summary>
public enum FeatureType
{
    /// <summary><c>tf.string</c>: byte strings (a <see cref="BytesList"/>); parsed into a <see cref="StringTensor"/>.</summary>
    String,
    /// <summary><c>tf.int64</c>: an <see cref="Int64List"/>; parsed into an int64 tensor.</summary>
    Int64,
    /// <summary><c>tf.float32</c>: a <see cref="FloatList"/>; parsed into a float32 tensor.</summary>
    Float32,
}
