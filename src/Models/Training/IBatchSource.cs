using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>One epoch's (features, labels) batches, each owned (disposed) by the consumer.</summary>
internal interface IBatchSource
{
    /// <summary>Batches per epoch, or null when unknown in advance.</summary>
    int? Steps { get; }

    IEnumerator<(Tensor X, Tensor Y)> GetEnumerator();
}
