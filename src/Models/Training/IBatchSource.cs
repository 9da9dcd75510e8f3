using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>One epoch's (features, labels) batches, each owned (disposed) by the consumer.</summary>
internal interface IBatchSource
{
    /// <summary>Batches per epoch, or null when unknown in advance.</summary>
    int? Steps { get; }

    IEnumerator<(Tensor X, Tensor Y)> GetEnumerator();

    /// <summary>Per-sample weights of the batch last yielded (Keras's <c>sample_weight</c>), or null.</summary>
    Tensor? CurrentSampleWeight => null;
}
