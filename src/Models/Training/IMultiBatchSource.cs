using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>
/// One epoch's batches for a model with several inputs and outputs: the inputs in model input order and the labels in
/// model output order (empty for inference). Each yielded tensor is owned (disposed) by the consumer. In-memory tensor
/// lists (<see cref="TensorListBatches"/>) and datasets (<see cref="DatasetListBatches{T}"/>) both feed the one
/// epoch/step loop of <see cref="Model"/>.
/// </summary>
internal interface IMultiBatchSource
{
    /// <summary>Batches per epoch, or null when unknown in advance.</summary>
    int? Steps { get; }

    IEnumerator<(Tensor[] X, Tensor[] Y)> GetEnumerator();
}
