using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>
/// One epoch's batches for the one step loop of <see cref="Model"/>: the inputs in model input order, the labels in
/// model output order (empty for inference) and, where Keras's <c>sample_weight</c> was given, each output's per-sample
/// weights (null, or null entries, for none). A single-input, single-output model is the case of arrays of one.
/// In-memory tensors (<see cref="TensorBatches"/>) and datasets (<see cref="DatasetListBatches{T}"/>) both feed it;
/// each yielded tensor is owned (disposed) by the consumer.
/// </summary>
internal interface IBatchSource
{
    /// <summary>Batches per epoch, or null when unknown in advance.</summary>
    int? Steps { get; }

    IEnumerator<(Tensor[] X, Tensor[] Y, Tensor?[]? SampleWeight)> GetEnumerator();
}
