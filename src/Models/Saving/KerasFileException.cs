namespace Pipeline.Models.Saving;

/// <summary>
/// A Keras file (<c>.keras</c>, <c>.h5</c>, <c>.weights.h5</c>) cannot be read, or does not fit the model it is loaded
/// into: truncated, corrupt or foreign bytes, a config naming an unknown class, a missing weight, or a weight of the
/// wrong shape. The message names the file and, where they apply, the layer, the weight and the expected and actual
/// shapes. A load that throws this leaves the model's weights as they were before the call.
/// </summary>
public sealed class KerasFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file being read or written.</param>
    /// <param name="reason">What is wrong, with expected and actual values.</param>
    /// <param name="inner">The underlying error (from the HDF5 or zip reader), if any.</param>
    public KerasFileException(string fileName, string reason, Exception? inner = null)
        : base($"Cannot load '{fileName}': {reason}", inner)
    {
        FileName = fileName;
        Reason = reason;
    }

    /// <summary>The file being read.</summary>
    public string FileName { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Reason { get; }
}
