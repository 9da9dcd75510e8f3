namespace Pipeline.Models.Saving;

/// <summary>Constants shared by the Keras file formats.</summary>
internal static class KerasFormat
{
    /// <summary>The Keras version our files declare: the Keras 3 release whose file layout they follow.</summary>
    public const string KerasVersion = "3.14.0";

    /// <summary>The backend named in legacy files; Keras reads weights the same way whatever the backend.</summary>
    public const string Backend = "tensorflow";

    /// <summary>Members of a <c>.keras</c> zip.</summary>
    public const string ConfigFileName = "config.json", MetadataFileName = "metadata.json", WeightsFileName = "model.weights.h5";
}
