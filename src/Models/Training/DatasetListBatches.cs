using static TorchSharp.torch;

namespace Pipeline.Models.Training;

/// <summary>
/// Batches for the step loop from a dataset whose elements are split by
/// <c>split</c> into input and label tensors (see <see cref="BatchStructure"/>). Epochs, <c>steps</c> and the refusal
/// of an endless dataset are <see cref="DatasetBatches{T}"/>'s. A batch whose structure does not fit is disposed whole.
/// </summary>
internal sealed class DatasetListBatches<T>(Dataset<T> dataset, Func<T, (Tensor[] X, Tensor[] Y)> split, int? steps, string operation, string argument,
    string stepsArgument) : IBatchSource, IDisposable
{
    readonly DatasetBatches<T> _inner = new(dataset, steps, operation, argument, stepsArgument);

    public int? Steps => _inner.Steps;

    public IEnumerator<(Tensor[] X, Tensor[] Y, Tensor?[]? SampleWeight)> GetEnumerator()
    {
        using var e = _inner.GetEnumerator();
        while (e.MoveNext())
        {
            var element = e.Current;
            (Tensor[] X, Tensor[] Y) batch;
            try
            {
                batch = split(element);
            }
            catch
            {
                BatchStructure.DisposeAll(element);
                throw;
            }
            yield return (batch.X, batch.Y, null);
        }
    }

    public void Dispose() => _inner.Dispose();
}
